import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { signNotification } from '../../server/bank/notificationSignature.ts';
import { createMerchant, createUser } from '../../server/auth/users.ts';
import type { UserRole } from '../../server/auth/users.ts';
import { ManualClock } from '../../server/clock.ts';
import { fundGuaranteeFund, recordMerchantDeposit } from '../../server/ledger/platformFunding.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

/**
 * The real central API for dispute tests: PostgreSQL in the test file's own schema (dropped and
 * made afresh), every route listening on 127.0.0.1, a manual clock, two merchants and the
 * people of a dispute (buyer, sellers of both merchants, agents, two senior agents), all
 * signed in over HTTP.
 */
export const PG_URL = process.env.DISPUTE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const PASSWORD = 'correct horse battery';
export const BANK_KEY = { kid: 'dispute-test', secret: randomBytes(32).toString('hex') };
export const THRESHOLD_FEN = 500_000;
export const START_MS = Date.UTC(2026, 10, 2, 9, 0, 0);

export const PEOPLE: { userId: string; role: UserRole; merchantId?: string }[] = [
  { userId: 'b1', role: 'buyer' },
  { userId: 'b2', role: 'buyer' },
  { userId: 'staff1', role: 'seller_staff', merchantId: 'm1' },
  { userId: 'admin1', role: 'seller_admin', merchantId: 'm1' },
  { userId: 'staff2', role: 'seller_staff', merchantId: 'm2' },
  { userId: 'agent1', role: 'agent' },
  { userId: 'agent2', role: 'agent' },
  { userId: 'senior1', role: 'senior_agent' },
  { userId: 'senior2', role: 'senior_agent' },
];

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  bytes: Buffer;
}

export interface DisputeTestServer {
  server: RunningServer;
  url: string;
  clock: ManualClock;
  tokens: Map<string, string>;
  api<T = Record<string, unknown>>(
    who: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>>;
  upload(who: string, name: string, mime: string, content: Buffer): Promise<EvidenceUpload>;
  close(): Promise<void>;
}

export interface EvidenceUpload {
  sha256: string;
  name: string;
  sizeBytes: number;
  mime: string;
}

export async function resetSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/** A superuser connection into the test schema, to play an attacker who edits rows directly. */
export async function rawClient(schema: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  return c;
}

export async function startDisputeServer(schema: string): Promise<DisputeTestServer> {
  await resetSchema(schema);
  const clock = new ManualClock(START_MS);
  const server = await startServer({
    databaseUrl: PG_URL,
    schema,
    clock,
    timerIntervalMs: false,
    // The manual clock jumps days ahead; sessions must outlive the story.
    sessionTtlMs: 365 * 24 * 3_600_000,
    bankSecrets: { icbc: [BANK_KEY] },
    loginLimits: { perIpPerMinute: 100_000 },
    maxConnectionsPerAddress: 100_000,
    policy: { secondApprovalThresholdFen: THRESHOLD_FEN },
  });
  const db = server.ctx.db;
  const now = clock.now();
  await createMerchant(db, { merchantId: 'm1', name: '杭州西湖龙井茶庄', feeBps: 60 }, now);
  await createMerchant(db, { merchantId: 'm2', name: '深圳华强电子', feeBps: 80 }, now);
  for (const p of PEOPLE)
    await createUser(
      db,
      { ...p, username: p.userId, displayName: p.userId, password: PASSWORD },
      now,
    );
  await fundGuaranteeFund(db, {
    fundingId: 'fund-1',
    amountFen: 50_000_000,
    bank: 'icbc',
    at: now,
  });
  await recordMerchantDeposit(db, {
    fundingId: 'deposit-m1',
    merchantId: 'm1',
    amountFen: 300_000,
    bank: 'icbc',
    at: now,
  });

  const api = async <T>(
    who: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> => {
    const token = tokens.get(who);
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    let parsed: unknown = null;
    if ((res.headers.get('content-type') ?? '').includes('application/json'))
      parsed = JSON.parse(bytes.toString('utf8'));
    return { status: res.status, body: parsed as T, headers: res.headers, bytes };
  };

  const tokens = new Map<string, string>();
  for (const p of PEOPLE) {
    const r = await api<{ token: string }>('nobody', 'POST', '/v1/auth/login', {
      username: p.userId,
      password: PASSWORD,
    });
    if (r.status !== 200) throw new Error(`login ${p.userId}: ${r.status}`);
    tokens.set(p.userId, r.body.token);
  }

  return {
    server,
    url: server.url,
    clock,
    tokens,
    api,
    async upload(who, name, mime, content) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(content)], { type: mime }), name);
      const res = await fetch(`${server.url}/v1/evidence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.get(who) ?? ''}` },
        body: form,
      });
      const body = (await res.json()) as { evidence: EvidenceUpload };
      if (res.status !== 201)
        throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(body)}`);
      return body.evidence;
    },
    close: () => server.close(),
  };
}

/** A buyer's order for a merchant, created over HTTP and paid by a signed bank notification. */
export async function paidOrder(
  t: DisputeTestServer,
  opts: { buyer?: string; merchantId?: string; amountFen: number; title?: string },
): Promise<string> {
  const orderId = `o-${uuidv7(t.clock.now()).slice(-12)}`;
  const created = await t.api(opts.buyer ?? 'b1', 'POST', '/v1/orders', {
    orderId,
    merchantId: opts.merchantId ?? 'm1',
    currency: 'CNY',
    amountFen: opts.amountFen,
    goodsKind: 'express',
    recipient: TEST_RECIPIENT,
    item: { title: opts.title ?? '明前龙井 250g', quantity: 1 },
  });
  if (created.status !== 201) throw new Error(`create order: ${JSON.stringify(created.body)}`);
  const raw = JSON.stringify({
    notificationId: `n-${orderId}`,
    bank: 'icbc',
    orderId,
    bankRef: `ICBC-${orderId}`,
    currency: 'CNY',
    amountFen: opts.amountFen,
  });
  const res = await fetch(`${t.url}/v1/bank/notifications`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bank-signature': signNotification(BANK_KEY, raw, t.clock.now()),
    },
    body: raw,
  });
  if (res.status >= 300) throw new Error(`bank notification: ${res.status} ${await res.text()}`);
  return orderId;
}

export async function orderOf(
  t: DisputeTestServer,
  who: string,
  orderId: string,
): Promise<OrderState> {
  const r = await t.api<{ order: OrderState }>(who, 'GET', `/v1/orders/${orderId}`);
  if (r.status !== 200) throw new Error(`read order: ${r.status}`);
  return r.body.order;
}

/** A balance as people read it (positive on the account's normal side), 0 when never posted. */
export async function balanceOf(t: DisputeTestServer, accountName: string): Promise<number> {
  const r = await t.api<{ balances: { account: string; balanceFen: number }[] }>(
    'senior1',
    'GET',
    '/v1/ledger/balances',
  );
  return r.body.balances.find((b) => b.account === accountName)?.balanceFen ?? 0;
}
