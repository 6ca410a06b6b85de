// Issue 12, "Forged payments": with BANK_SECRETS unset the API accepted the public development
// secrets. Now it refuses to start without bank secrets; --demo makes random ones, so a
// notification signed with the old public secret is refused and the order stays unpaid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEMO_ACCOUNTS } from '../../server/demo/demoAccounts.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';
import { PG_URL, postgresReachable } from '../server/testServer.ts';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const OLD_DEV_SECRET = 'dev-secret-icbc-change-me';

type Outcome =
  | { kind: 'exited'; code: number | null; stderr: string }
  | { kind: 'listening'; url: string; stop: () => Promise<void> };

/**
 * Starts `server/main.ts`; answers once it either listens or exits, whichever comes first. On
 * the embedded PGlite in memory unless `databaseUrl` is given.
 */
function startApi(
  args: string[],
  bankSecrets: string | undefined,
  databaseUrl?: string,
): Promise<Outcome> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.BANK_SECRETS;
  if (bankSecrets !== undefined) env.BANK_SECRETS = bankSecrets;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--memory', '--quiet', '--port', '0', ...args],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m?.[1])
        resolve({
          kind: 'listening',
          url: m[1],
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    void exited.then((code) => resolve({ kind: 'exited', code, stderr }));
  });
}

/**
 * A PostgreSQL database of its own for a run of main.ts, dropped afterwards; undefined without
 * PostgreSQL (the run then uses PGlite in memory). Setting up PGlite in memory costs about 15
 * CPU-seconds (initdb in WASM, then the migrations); what this file tests is the bank keys.
 */
async function ownDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  if (!(await postgresReachable())) return { url: undefined, drop: async () => {} };
  const name = `bank_secrets_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function refusesToStart(bankSecrets: string | undefined, pattern: RegExp): Promise<void> {
  const r = await startApi([], bankSecrets);
  if (r.kind === 'listening') {
    await r.stop();
    assert.fail(`the API started with BANK_SECRETS=${String(bankSecrets)}`);
  }
  assert.equal(r.code, 2);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'one line, no stack trace');
}

describe('bank secrets', () => {
  it('the API refuses to start without BANK_SECRETS', async () => {
    await refusesToStart(undefined, /BANK_SECRETS/);
  });

  it('refuses a secret without key id (the old format), a short secret, and bad JSON', async () => {
    await Promise.all([
      refusesToStart(JSON.stringify({ icbc: OLD_DEV_SECRET }), /key id|kid/),
      refusesToStart(JSON.stringify({ icbc: [{ kid: 'k1', secret: 'short' }] }), /32/),
      refusesToStart('{not json', /JSON/),
    ]);
  });

  it('with --demo the secrets are random: a notification signed with the old dev secret is refused', async () => {
    const database = await ownDatabase();
    const r = await startApi(['--demo'], undefined, database.url);
    assert.equal(r.kind, 'listening', r.kind === 'exited' ? r.stderr : '');
    if (r.kind !== 'listening') return database.drop();
    try {
      const buyer = DEMO_ACCOUNTS.find((a) => a.role === 'buyer');
      const agent = DEMO_ACCOUNTS.find((a) => a.role === 'agent');
      assert.ok(buyer && agent);
      const token = async (a: { username: string; password: string }) => {
        const res = await fetch(`${r.url}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: a.username, password: a.password }),
        });
        assert.equal(res.status, 200);
        return ((await res.json()) as { token: string }).token;
      };
      const buyerToken = await token(buyer);
      const created = await fetch(`${r.url}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${buyerToken}` },
        body: JSON.stringify({
          merchantId: 'm-hz-tea',
          currency: 'CNY',
          amountFen: 2_000_000,
          goodsKind: 'express',
          recipient: TEST_RECIPIENT,
          item: { title: '西湖龙井 特级', quantity: 1 },
        }),
      });
      assert.equal(created.status, 201);
      const orderId = ((await created.json()) as { order: { orderId: string } }).order.orderId;
      const body = JSON.stringify({
        notificationId: 'forged-1',
        bank: 'icbc',
        orderId,
        bankRef: 'ICBC-FORGED',
        currency: 'CNY',
        amountFen: 2_000_000,
      });
      const at = Date.now();
      const mac = createHmac('sha256', OLD_DEV_SECRET).update(`${at}.${body}`).digest('hex');
      for (const signature of [`t=${at},v1=${mac}`, `t=${at},kid=demo,v1=${mac}`]) {
        const res: Response = await fetch(`${r.url}/v1/bank/notifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bank-signature': signature },
          body,
        });
        assert.equal(res.status, 401, signature);
      }
      const order = await fetch(`${r.url}/v1/orders/${orderId}`, {
        headers: { authorization: `Bearer ${buyerToken}` },
      });
      const state = ((await order.json()) as { order: { status: string } }).order.status;
      assert.equal(state, 'awaiting_payment');
      const verify = await fetch(`${r.url}/v1/ledger/verify`, {
        headers: { authorization: `Bearer ${await token(agent)}` },
      });
      assert.equal(((await verify.json()) as { ok: boolean }).ok, true);
    } finally {
      await r.stop();
      await database.drop();
    }
  });
});
