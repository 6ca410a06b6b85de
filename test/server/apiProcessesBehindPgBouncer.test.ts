// Issue 13, item 3: several API processes against one PostgreSQL through PgBouncer in
// transaction pooling mode. Three processes (children, so one can be SIGKILLed), clients spread
// over them as a load balancer would, commands on distinct orders and on orders every client
// fights over, unpaid orders whose timers fall due meanwhile. Mid-load one process is killed:
// nothing it acknowledged may be lost, no order or money duplicated, the ledger verifies, and
// every timer fires exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../server/db/openDatabase.ts';
import type { Database } from '../../server/db/database.ts';
import { BANK_SECRETS, ICBC_KEY, PG_URL, postgresReachable, seedPlatform } from './testServer.ts';
import type { PersonName } from './testServer.ts';
import { FleetClient, STATUSES_AFTER, startApiProcess } from './cluster/apiFleet.ts';
import type { ApiProcess, Reply, RetryStats } from './cluster/apiFleet.ts';
import { startPgBouncer } from './cluster/pgBouncer.ts';
import type { PgBouncer } from './cluster/pgBouncer.ts';
import { clusterSkipReason, pollUntil, postgresFolder } from './cluster/pgCluster.ts';

const PROCESSES = 3;
const CLIENTS = Number(process.env.BOUNCER_CLIENTS ?? 6);
const ORDERS = Number(process.env.BOUNCER_ORDERS ?? 6); // distinct orders per client
const SHARED = 4; // orders every client pays and ships at once
const TIMER_ORDERS = 30; // left unpaid: closed by whichever process claims each timer
const UNPAID_CLOSE_MS = 30_000;
const BOUNCER_PORT = 25412;
const API_PORTS = [25413, 25414, 25415];

describe('API processes behind PgBouncer in transaction mode (issue 13)', async () => {
  const skip =
    clusterSkipReason({ pgbouncer: true }) ??
    ((await postgresReachable()) ? null : 'no PostgreSQL at TEST_DATABASE_URL');
  if (skip) {
    it('needs PgBouncer and PostgreSQL', (t) => {
      t.skip(skip);
    });
    return;
  }
  let root = '';
  let db: Database;
  let bouncer: PgBouncer;
  const apis: ApiProcess[] = [];
  const schema = `t_bouncer_${process.pid}_${Math.floor(Math.random() * 1e6)}`;

  before(async () => {
    root = postgresFolder(mkdtempSync(join(process.env.CLUSTER_TMP ?? tmpdir(), 'bouncer-')));
    db = await openDatabase({ url: PG_URL, schema });
    await seedPlatform(db);
    bouncer = await startPgBouncer({
      dir: join(root, 'pgbouncer'),
      port: BOUNCER_PORT,
      target: PG_URL,
      alias: 'escrow',
      poolSize: 12,
    });
  });
  after(async () => {
    for (const a of apis) await a.stop();
    await bouncer?.stop();
    await db?.query(`DROP SCHEMA ${schema} CASCADE`);
    await db?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('refuses session settings at startup: session mode would not survive the pooler', async () => {
    // What the server sent before this change (startup `options` carrying search_path).
    await assert.rejects(
      openDatabase({ url: bouncer.url, schema, maxConnections: 1 }),
      /unsupported startup parameter: options/,
    );
  });

  it(`${PROCESSES} processes, one SIGKILLed mid-load: nothing acknowledged lost, nothing doubled, timers once`, async (ctx) => {
    for (const port of API_PORTS)
      apis.push(
        await startApiProcess({
          API_DATABASE_URL: bouncer.url,
          API_POOL_MODE: 'transaction',
          API_LISTEN_URL: PG_URL,
          API_SCHEMA: schema,
          API_PORT: String(port),
          API_BANK_SECRETS: JSON.stringify(BANK_SECRETS),
          API_UNPAID_CLOSE_MS: String(UNPAID_CLOSE_MS),
          API_MAX_CONNECTIONS: '8',
        }),
      );
    // The load balancer's list: a process it finds dead leaves the rotation.
    let live = apis.map((a) => a.url);
    const stats: RetryStats = { networkErrors: 0, unavailable: 0, inFlight: new Map() };
    const tokens = new Map<PersonName, string>();
    const client = () => new FleetClient(() => live, stats, ICBC_KEY, tokens);
    const clients = Array.from({ length: CLIENTS }, client);
    const setup = client();
    for (const who of ['buyer1', 'staff1', 'agent1'] as const) await setup.token(who);

    const timerOrders: string[] = [];
    for (let i = 0; i < TIMER_ORDERS; i++) timerOrders.push(await setup.createOrder(5_000 + i));
    const shared: string[] = [];
    for (let i = 0; i < SHARED; i++) shared.push(await setup.createOrder(20_000 + i));

    const acked = () => clients.reduce((n, c) => n + c.acks.length, 0);
    const total = CLIENTS * ORDERS * 3;
    let killedAfter = -1;
    const kill = (async () => {
      const victim = apis[1];
      // Killed while it is serving requests, once a third of the work is acknowledged.
      await pollUntil('a third acknowledged and requests on process 2', 300_000, async () => {
        return acked() >= total / 3 && (stats.inFlight?.get(victim?.url ?? '') ?? 0) >= 2;
      });
      victim?.kill();
      killedAfter = acked();
      live = live.filter((u) => u !== victim?.url);
    })();
    kill.catch(() => {});

    const sharedPays: Reply[][] = shared.map(() => []);
    const sharedShips: Reply[][] = shared.map(() => []);
    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = 0; k < ORDERS; k++) {
          const amountFen = 10_000 + i * 100 + k;
          const orderId = await c.createOrder(amountFen);
          assert.equal((await c.pay(orderId, amountFen)).status, 200);
          // Every client pays, then ships, the shared orders too: one of each must win.
          const s = k % SHARED;
          if (k < SHARED) sharedPays[s]?.push(await c.pay(shared[s] ?? '', 20_000 + s));
          assert.equal((await c.ship(orderId)).status, 200);
          if (k < SHARED) sharedShips[s]?.push(await c.ship(shared[s] ?? ''));
        }
      }),
    );
    await kill;
    ctx.diagnostic(
      `${acked()} commands acknowledged (${killedAfter} before the kill); ` +
        `${stats.unavailable} answers 503, ${stats.networkErrors} network errors on the way`,
    );
    assert.ok(killedAfter > 0 && killedAfter < total, 'a process died mid-load');
    assert.ok(stats.networkErrors > 0, 'requests were cut by the kill and retried elsewhere');

    // Each shared order was paid once and shipped once; every other attempt was refused.
    for (const replies of [...sharedPays, ...sharedShips]) {
      const statuses = replies.map((r) => r.status).sort();
      assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify(statuses));
      assert.ok(
        statuses.every((s) => s === 200 || s === 409),
        JSON.stringify(replies.map((r) => r.body)),
      );
    }

    // Everything acknowledged is there, as far as it was acknowledged; no order twice.
    const acks = [...clients, setup].flatMap((c) => c.acks);
    const rows = await db.query<{ order_id: string; status: string }>(
      'SELECT order_id, status FROM orders',
    );
    const status = new Map(rows.rows.map((r) => [r.order_id, r.status]));
    const missing = acks.filter(
      (a) => !STATUSES_AFTER[a.kind].includes(status.get(a.orderId) ?? ''),
    );
    assert.deepEqual(missing, [], 'acknowledged commands missing');
    const created = new Set(acks.filter((a) => a.kind === 'create').map((a) => a.orderId));
    assert.equal(rows.rowCount, created.size, 'orders in the database = orders acknowledged');

    // The unpaid orders' timers: each closed, by exactly one timer command, whoever ran it.
    await pollUntil(
      'every unpaid order closed by its timer',
      UNPAID_CLOSE_MS + 120_000,
      async () => {
        const r = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders WHERE order_id = ANY($1) AND status = 'closed_unpaid'`,
          [timerOrders],
        );
        return r.rows[0]?.n === TIMER_ORDERS;
      },
    );
    const timers = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM commands
        WHERE order_id = ANY($1) AND command_id LIKE 'timer:%'`,
      [timerOrders],
    );
    assert.equal(timers.rows[0]?.n, TIMER_ORDERS);

    const agent = await setup.token('agent1');
    const verified = await setup.send('GET', '/v1/ledger/verify', undefined, () => ({
      authorization: `Bearer ${agent}`,
    }));
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.deepEqual(verified.body.problems, []);

    // PgBouncer pooled it all in transaction mode; LISTEN went straight to PostgreSQL.
    const pools = await bouncer.admin<{ database: string; pool_mode: string }>('SHOW POOLS');
    assert.equal(pools.find((p) => p.database === 'escrow')?.pool_mode, 'transaction');
    const pooled = await bouncer.admin<{ database: string; total_xact_count: string }>(
      'SHOW STATS',
    );
    const xacts = Number(pooled.find((s) => s.database === 'escrow')?.total_xact_count ?? 0);
    ctx.diagnostic(`PgBouncer: ${xacts} transactions pooled`);
    assert.ok(xacts > acked(), `${xacts} transactions through PgBouncer`);
    const listeners = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1`,
      [`LISTEN sync_poke_${schema}`],
    );
    assert.equal(listeners.rows[0]?.n, PROCESSES - 1, 'one LISTEN session per live process');
  });
});
