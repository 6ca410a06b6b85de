// Test harness for server tests: a real database (PostgreSQL at 127.0.0.1:5432 when reachable,
// each test file in its own schema; PGlite in memory otherwise), a real HTTP server on
// 127.0.0.1, a controllable server clock, and a cast of people to act as.
import { pgReachable } from '../../bench/pgReachable.ts';
import { randomBankKeyring } from '../../server/bank/bankKeys.ts';
import type { BankKey } from '../../server/bank/bankKeys.ts';
import { createMerchant, createUser } from '../../server/auth/users.ts';
import type { UserRole } from '../../server/auth/users.ts';
import { ManualClock } from '../../server/clock.ts';
import type { Database } from '../../server/db/database.ts';
import { openDatabase } from '../../server/db/openDatabase.ts';
import { fundGuaranteeFund, recordMerchantDeposit } from '../../server/ledger/platformFunding.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer, StartOptions } from '../../server/startServer.ts';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
export const PASSWORD = 'correct-horse-1';
/** The banks' keys this harness configures (random per run; tests sign with these). */
export const BANK_SECRETS = randomBankKeyring(['icbc', 'ccb']);
export const ICBC_KEY: BankKey = BANK_SECRETS.icbc?.[0] ?? { kid: '', secret: '' };

let reachable: Promise<boolean> | null = null;
export function postgresReachable(): Promise<boolean> {
  reachable ??= pgReachable(PG_URL);
  return reachable;
}

export interface TestDatabase {
  db: Database;
  /** Opens another pool on the same schema (a second server instance); null on PGlite. */
  openSibling(): Promise<Database | null>;
  drop(): Promise<void>;
}

export async function openTestDatabase(name: string): Promise<TestDatabase> {
  if (await postgresReachable()) {
    const schema = `t_${name}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    const db = await openDatabase({ url: PG_URL, schema });
    const siblings: Database[] = [];
    return {
      db,
      async openSibling() {
        const s = await openDatabase({ url: PG_URL, schema });
        siblings.push(s);
        return s;
      },
      async drop() {
        for (const s of siblings) await s.close();
        // A request still finishing on another pooled connection (a desk's fire-and-forget
        // logout, a session purge) can deadlock with the DROP: PostgreSQL cancels one side,
        // and the DROP simply goes again.
        for (let attempt = 1; ; attempt++) {
          try {
            await db.query(`DROP SCHEMA ${schema} CASCADE`);
            break;
          } catch (err) {
            if ((err as { code?: unknown }).code !== '40P01' || attempt >= 5) throw err;
          }
        }
        await db.close();
      },
    };
  }
  const db = await openDatabase({});
  return { db, openSibling: async () => null, drop: () => db.close() };
}

export interface Person {
  username: string;
  userId: string;
  role: UserRole;
  merchantId?: string;
}

/** Two merchants, their staff and admins, two agents, two senior agents, two buyers, two finance. */
export const PEOPLE = {
  staff1: { username: 'staff1', userId: 'u-staff1', role: 'seller_staff', merchantId: 'm1' },
  admin1: { username: 'admin1', userId: 'u-admin1', role: 'seller_admin', merchantId: 'm1' },
  staff2: { username: 'staff2', userId: 'u-staff2', role: 'seller_staff', merchantId: 'm2' },
  admin2: { username: 'admin2', userId: 'u-admin2', role: 'seller_admin', merchantId: 'm2' },
  agent1: { username: 'agent1', userId: 'u-agent1', role: 'agent' },
  agent2: { username: 'agent2', userId: 'u-agent2', role: 'agent' },
  senior1: { username: 'senior1', userId: 'u-senior1', role: 'senior_agent' },
  senior2: { username: 'senior2', userId: 'u-senior2', role: 'senior_agent' },
  buyer1: { username: 'buyer1', userId: 'b1', role: 'buyer' },
  buyer2: { username: 'buyer2', userId: 'b2', role: 'buyer' },
  finance1: { username: 'finance1', userId: 'u-finance1', role: 'finance' },
  finance2: { username: 'finance2', userId: 'u-finance2', role: 'finance' },
} as const satisfies Record<string, Person>;
export type PersonName = keyof typeof PEOPLE;

export const FEE_BPS = 60;
export const GUARANTEE_FUND_FEN = 10_000_000;
export const DEPOSIT_FEN = 100_000;

export async function seedPlatform(db: Database): Promise<void> {
  await createMerchant(db, { merchantId: 'm1', name: '杭州茶庄', feeBps: FEE_BPS }, T0);
  await createMerchant(db, { merchantId: 'm2', name: 'Other Shop Ltd', feeBps: 100 }, T0);
  for (const p of Object.values(PEOPLE) as Person[])
    await createUser(db, { ...p, displayName: p.username, password: PASSWORD }, T0);
  await fundGuaranteeFund(db, {
    fundingId: 'fund-1',
    amountFen: GUARANTEE_FUND_FEN,
    bank: 'icbc',
    at: T0,
  });
  await recordMerchantDeposit(db, {
    fundingId: 'deposit-m1',
    merchantId: 'm1',
    amountFen: DEPOSIT_FEN,
    bank: 'icbc',
    at: T0,
  });
}

export interface HttpResult {
  status: number;
  // Tests read what the server sent back; the shapes are asserted field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  clock: ManualClock;
  db: Database;
  testDb: TestDatabase;
  token(who: PersonName): Promise<string>;
  post(
    path: string,
    body: unknown,
    who?: PersonName | null,
    headers?: Record<string, string>,
  ): Promise<HttpResult>;
  postRaw(path: string, raw: string | Blob, headers: Record<string, string>): Promise<HttpResult>;
  get(path: string, who?: PersonName | null): Promise<HttpResult>;
  close(): Promise<void>;
}

export async function startTestServer(
  name: string,
  opts: Partial<StartOptions> = {},
): Promise<TestServer> {
  const testDb = await openTestDatabase(name);
  await seedPlatform(testDb.db);
  const clock = new ManualClock(T0);
  const server = await startServer({
    db: testDb.db,
    clock,
    bankSecrets: BANK_SECRETS,
    timerIntervalMs: false,
    ...opts,
    // Every test here logs in and connects from 127.0.0.1; the per-address limits have their
    // own tests (test/security).
    loginLimits: { perIpPerMinute: 100_000, ...opts.loginLimits },
    maxConnectionsPerAddress: opts.maxConnectionsPerAddress ?? 100_000,
  });
  const tokens = new Map<PersonName, string>();
  const request = async (
    method: string,
    path: string,
    raw: string | Blob | undefined,
    headers: Record<string, string>,
  ): Promise<HttpResult> => {
    const r = await fetch(server.url + path, { method, headers, body: raw });
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (metrics, evidence downloads)
    }
    return { status: r.status, body };
  };
  const auth = async (who: PersonName | null | undefined): Promise<Record<string, string>> =>
    who ? { authorization: `Bearer ${await t.token(who)}` } : {};
  const t: TestServer = {
    server,
    url: server.url,
    clock,
    db: testDb.db,
    testDb,
    async token(who) {
      let tok = tokens.get(who);
      if (!tok) {
        const r = await request(
          'POST',
          '/v1/auth/login',
          JSON.stringify({ username: PEOPLE[who].username, password: PASSWORD }),
          { 'content-type': 'application/json' },
        );
        if (r.status !== 200) throw new Error(`login ${who}: ${r.status}`);
        tok = r.body.token as string;
        tokens.set(who, tok);
      }
      return tok;
    },
    async post(path, body, who, headers = {}) {
      return request('POST', path, JSON.stringify(body), {
        'content-type': 'application/json',
        ...(await auth(who)),
        ...headers,
      });
    },
    postRaw: (path, raw, headers) => request('POST', path, raw, headers),
    async get(path, who) {
      return request('GET', path, undefined, await auth(who));
    },
    async close() {
      await server.close();
      await testDb.drop();
    },
  };
  return t;
}
