// Sync benchmarks (docs/sync.md), desk core in this process, central API in a child process on
// PostgreSQL, so the peak RSS printed is the desk core's alone.
//
// - sync.bootstrap_100k_s: a fresh desk pulls a merchant with BENCH_SYNC_ORDERS (100,000)
//   orders and their journal rows. Baseline: fetching the very same pages (same cookies, same
//   bytes) and inserting the same rows into plain SQLite tables, without sync logic.
// - sync.push_10k_s: BENCH_SYNC_PUSH (10,000) mutations queued offline, pushed in batches of 500
//   and confirmed by a pull. Baseline: POSTing the same request bodies to a route that stores
//   each mutation as one plain row (one autocommit INSERT each), no rules. Three rounds, each
//   on orders of its own and followed by its baseline; the figures are the medians (one round
//   and its baseline moved from 2.8 to 3.4 s between runs).
// - sync.push_mutations_per_s: the push phase alone, against `pg` single-row autocommit INSERTs
//   per second on the same database.
//
// Seeding is a BULK PATH (documented as such): orders and journal rows are made with the
// shared rules (`decide`/`evolve`, `postingFor`, the server's chain hash) but written with
// multi-row INSERTs, not command by command, because this measures sync, not seeding. The
// change log is not back-filled; a bootstrap reads current rows, never the log.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createSyncClient } from '../electron/core/sync/syncClient.ts';
import { createServerClient } from '../electron/net/serverClient.ts';
import { createHttpTransport } from '../electron/core/sync/syncTransport.ts';
import { createPageDecoder } from '../electron/core/sync/pageDecoder.ts';
import type { SyncTransport } from '../electron/core/sync/syncTransport.ts';
import { openDatabase as openDeskDatabase } from '../electron/core/store/openDatabase.ts';
import { nextTimerAt } from '../shared/escrow/deadlines.ts';
import type { Actor, OrderState } from '../shared/escrow/types.ts';
import { accountSpec } from '../shared/ledger/accounts.ts';
import { paidOrder } from './paidOrder.ts';
import type { PullRequest, PushRequest } from '../shared/sync/protocol.ts';
import type { Database as ServerDb } from '../server/db/database.ts';
import { shardOf } from '../shared/ledger/shards.ts';
import { median } from './stats.ts';

/** The bulk seed's one merchant's shard: its journal chain and sub-accounts. */
const SHARD = shardOf('m1');

const PG_URL = process.env.SYNC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'bench_sync';
const ORDERS = Number(process.env.BENCH_SYNC_ORDERS ?? 100_000);
const PUSH = Math.min(ORDERS, Number(process.env.BENCH_SYNC_PUSH ?? 10_000));
/** Push rounds, each on PUSH orders of its own (as many as the orders allow, at most 3). */
const PUSH_ROUNDS = Math.max(1, Math.min(3, Math.floor(ORDERS / PUSH)));
const SELF = fileURLToPath(import.meta.url);
const T0 = Date.UTC(2026, 0, 5);
const SELLER: Actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' };
const orderIdOf = (i: number) => `b${String(i).padStart(7, '0')}`;

// ---- the server child ---------------------------------------------------------------------

async function serveChild(): Promise<void> {
  const [{ default: Fastify }, { openDatabase }, { syncRoutes }, users, sessions] =
    await Promise.all([
      import('fastify'),
      import('../server/db/openDatabase.ts'),
      import('../server/sync/syncRoutes.ts'),
      import('../server/auth/users.ts'),
      import('../server/auth/sessions.ts'),
    ]);
  const setup = new pg.Client({ connectionString: PG_URL });
  await setup.connect();
  await setup.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await setup.end();
  const db = await openDatabase({ url: PG_URL, schema: SCHEMA, maxConnections: 4 });
  const clock = { now: () => Date.now() };
  await users.createMerchant(db, { merchantId: 'm1', name: 'Bench Tea', feeBps: 60 }, T0);
  await users.createUser(
    db,
    {
      userId: 'staff1',
      username: 'staff1',
      displayName: 'staff1',
      password: 'bench password',
      role: 'seller_staff',
      merchantId: 'm1',
    },
    T0,
  );
  const session = await sessions.login(db, 'staff1', 'bench password', clock.now(), 86_400_000);
  const seedStart = performance.now();
  await bulkSeed(db);
  const seedS = (performance.now() - seedStart) / 1000;
  await db.query(
    'CREATE TABLE bench_raw_mutations (client_id text, mutation_id bigint, command jsonb)',
  );

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  await app.register(syncRoutes, { db, clock });
  // The push baseline: the same bytes in, one plain row per mutation, no rules.
  app.post('/bench/raw-push', async (request) => {
    const body = request.body as PushRequest;
    for (const m of body.mutations) {
      await db.query(
        'INSERT INTO bench_raw_mutations (client_id, mutation_id, command) VALUES ($1, $2, $3)',
        [body.clientId, m.id, JSON.stringify(m.command)],
      );
    }
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(
    `ready ${JSON.stringify({ url: `http://127.0.0.1:${port}`, token: session?.token, seedS })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => {
    void app.close().then(() => db.close().then(() => process.exit(0)));
  });
}

/** Bulk path: rules-made orders and payments, written with multi-row INSERTs. */
async function bulkSeed(db: ServerDb): Promise<void> {
  const { GENESIS_HASH } = await import('../shared/ledger/chainHash.ts');
  const { sha256Hex } = await import('../server/common/sha256.ts');
  let prevHash = GENESIS_HASH;
  let seq = 0;
  const balances = new Map<string, number>();
  const CHUNK = 5000;
  for (let start = 0; start < ORDERS; start += CHUNK) {
    const o = {
      id: [] as string[],
      status: [] as string[],
      amount: [] as number[],
      state: [] as string[],
      version: [] as number[],
      timer: [] as (number | null)[],
      at: [] as number[],
    };
    const t = {
      seq: [] as number[],
      id: [] as string[],
      cmd: [] as string[],
      kind: [] as string[],
      at: [] as number[],
      order: [] as string[],
      prev: [] as string[],
      hash: [] as string[],
    };
    const e = {
      txn: [] as string[],
      leg: [] as number[],
      account: [] as string[],
      amount: [] as number[],
    };
    for (let i = start; i < Math.min(ORDERS, start + CHUNK); i++) {
      const orderId = orderIdOf(i);
      const now = T0 + i * 1000;
      const { state, txns } = paidOrder({
        i,
        orderId,
        title: 'Tea',
        at: now,
        seq: seq + 1,
        prevHash,
        sha256: sha256Hex,
      });
      for (const txn of txns) {
        seq = txn.seq;
        t.seq.push(txn.seq);
        t.id.push(txn.txnId);
        t.cmd.push(txn.commandId);
        t.kind.push(txn.kind);
        t.at.push(txn.at);
        t.order.push(orderId);
        t.prev.push(txn.prevHash);
        t.hash.push(txn.hash);
        prevHash = txn.hash;
        txn.legs.forEach((l, leg) => {
          e.txn.push(txn.txnId);
          e.leg.push(leg);
          e.account.push(l.account);
          e.amount.push(l.amountFen);
          balances.set(l.account, (balances.get(l.account) ?? 0) + l.amountFen);
        });
      }
      o.id.push(orderId);
      o.status.push(state.status);
      o.amount.push(state.amountFen);
      o.state.push(JSON.stringify(state));
      o.version.push(state.version);
      o.timer.push(nextTimerAt(state));
      o.at.push(now);
    }
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
                             version, next_timer_at, created_at, updated_at, shard)
         SELECT id, 'm1', 'b1', st, 'CNY', amt, s::jsonb, v, tm, at, at, $8
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::bigint[], $7::bigint[])
           AS x(id, st, amt, s, v, tm, at)`,
        [o.id, o.status, o.amount, o.state, o.version, o.timer, o.at, SHARD],
      );
      await tx.query(
        `INSERT INTO ledger_transactions (seq, txn_id, command_id, kind, at, currency, order_id, prev_hash, hash, shard)
         SELECT sq, id, c, k, at, 'CNY', oid, p, h, $9
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])
           AS x(sq, id, c, k, at, oid, p, h)`,
        [t.seq, t.id, t.cmd, t.kind, t.at, t.order, t.prev, t.hash, SHARD],
      );
      await tx.query(
        `INSERT INTO ledger_entries (txn_id, leg_no, account, amount_fen, shard)
         SELECT *, $5 FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[])`,
        [e.txn, e.leg, e.account, e.amount, SHARD],
      );
      await tx.query(
        `INSERT INTO escrow_holds (order_id, txn_id, shard)
         SELECT *, $3 FROM unnest($1::text[], $2::text[])`,
        [t.order, t.id, SHARD],
      );
    });
  }
  const names = [...balances.keys()];
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO account_balances (account, currency, normal, floor_zero, balance_fen, shard)
       SELECT a, 'CNY', n, f, b, $5 FROM unnest($1::text[], $2::text[], $3::boolean[], $4::bigint[]) AS x(a, n, f, b)`,
      [
        names,
        names.map((a) => accountSpec(a).normal),
        names.map((a) => accountSpec(a).floorZero),
        names.map((a) => balances.get(a) ?? 0),
        SHARD,
      ],
    );
    await tx.query('UPDATE shard_heads SET ledger_seq = $1, ledger_hash = $2 WHERE shard = $3', [
      seq,
      prevHash,
      SHARD,
    ]);
  });
  await db.query('ANALYZE');
}

// ---- the desk side (this process) -----------------------------------------------------------

function startServer(): Promise<{
  child: ChildProcess;
  url: string;
  token: string;
  seedS: number;
}> {
  return new Promise((resolve, reject) => {
    // BENCH_SERVER_PROFILE=<dir> writes the server's CPU profile there, for tuning runs.
    const profile = process.env.BENCH_SERVER_PROFILE;
    const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', SELF], {
      env: { ...process.env, SYNC_BENCH_SERVER: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => {
      buf += c;
      const m = /ready (.*)\n/.exec(buf);
      if (m?.[1])
        resolve({ child, ...(JSON.parse(m[1]) as { url: string; token: string; seedS: number }) });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

const secondsSince = (t: number) => (performance.now() - t) / 1000;

/** As the desk's own loop does: a transient failure (e.g. a keep-alive socket closed) retries. */
async function syncUntilDone(client: { syncOnce(): Promise<void> }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.syncOnce();
    } catch (err) {
      if (attempt >= 5 || !(err as { transient?: boolean }).transient) throw err;
    }
  }
}
const fmt = (n: number) => n.toFixed(3);

export async function run(): Promise<void> {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'sync-bench-'));
  try {
    console.log(`sync.orders=${ORDERS}`);
    console.log(`sync.seed_bulk_s=${fmt(server.seedS)}`);
    const http = createHttpTransport(
      createServerClient({
        baseUrl: server.url,
        token: () => server.token,
        timeoutMs: 600_000,
      }),
    );
    const pulls: PullRequest[] = [];
    const pushes: PushRequest[] = [];
    let pushFirstStart = 0;
    let pushLastEnd = 0;
    const transport: SyncTransport = {
      pull: (req) => (pulls.push(req), http.pull(req)),
      async push(req) {
        pushes.push(req);
        if (pushFirstStart === 0) pushFirstStart = performance.now();
        const r = await http.push(req);
        pushLastEnd = performance.now();
        return r;
      },
      chain: (query) => http.chain(query),
    };

    // 1. Bootstrap through sync into a fresh desk in a fresh process: its peak RSS is the
    //    desk core's. This pass also warms PostgreSQL's caches and records the page requests.
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    // One page decoder for both desks, as the core worker keeps one across sign-ins.
    const pageDecoder = createPageDecoder();
    const warm = openDeskDatabase(join(dir, 'warm.sqlite'));
    const warmClient = createSyncClient({
      db: warm,
      transport,
      actor: SELLER,
      bootstrapPageLimit: 5000,
      pageDecoder,
    });
    const t0 = performance.now();
    await syncUntilDone(warmClient);
    const coldS = secondsSince(t0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const maxRssKb = process.resourceUsage().maxRSS;
    warm.close();
    const recorded = pulls.splice(0);

    // 2. Baseline, on the same warm server: the same requests (same cookies → same bytes),
    //    parsed and inserted as plain rows, no sync logic.
    const raw = new Database(join(dir, 'raw.sqlite'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.exec(`CREATE TABLE o (order_id TEXT PRIMARY KEY, state_json TEXT NOT NULL) STRICT;
              CREATE TABLE t (seq INTEGER PRIMARY KEY, txn_id TEXT NOT NULL UNIQUE, kind TEXT, at INTEGER,
                              currency TEXT, order_id TEXT, legs_json TEXT, hash TEXT) STRICT;`);
    const insO = raw.prepare('INSERT INTO o VALUES (?, ?)');
    const insT = raw.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const t2 = performance.now();
    let bytes = 0;
    for (const req of recorded) {
      const res = await fetch(`${server.url}/v1/sync/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(req),
      });
      const text = await res.text();
      bytes += text.length;
      const page = JSON.parse(text) as {
        changes: { kind: string; order?: OrderState; txn?: Record<string, unknown> }[];
      };
      raw.transaction(() => {
        for (const c of page.changes) {
          if (c.order) insO.run(c.order.orderId, JSON.stringify(c.order));
          else if (c.txn)
            insT.run(
              c.txn.seq as number,
              c.txn.txnId as string,
              c.txn.kind as string,
              c.txn.at as number,
              c.txn.currency as string,
              (c.txn.orderId as string | null) ?? null,
              JSON.stringify(c.txn.legs),
              c.txn.hash as string,
            );
        }
      })();
    }
    const bootstrapBaseS = secondsSince(t2);
    raw.close();

    // 3. The measured bootstrap: a fresh desk file, the same warm server. Its transport names
    //    the server, as the desk's does, so the decoding thread asks for large pages itself
    //    (pageDecoder.ts); the warm pass above asked for every page here, to record them.
    const desk = openDeskDatabase(join(dir, 'desk.sqlite'));
    const client = createSyncClient({
      db: desk,
      transport: { ...transport, connection: () => http.connection!() },
      actor: SELLER,
      bootstrapPageLimit: 5000,
      pageDecoder,
    });
    const onThreadBefore = pageDecoder.decodedOnThread();
    const t1 = performance.now();
    await syncUntilDone(client);
    const bootstrapS = secondsSince(t1);
    const onThread = pageDecoder.decodedOnThread() - onThreadBefore;
    const orders = desk.prepare('SELECT count(*) FROM sync_orders').pluck().get() as number;
    const txns = desk.prepare('SELECT count(*) FROM sync_txns').pluck().get() as number;
    if (orders !== ORDERS || txns !== ORDERS)
      throw new Error(`bootstrap incomplete: ${orders} orders, ${txns} txns`);
    console.log(`sync.bootstrap_100k_s=${fmt(bootstrapS)}`);
    console.log(`sync.bootstrap_100k_baseline_s=${fmt(bootstrapBaseS)}`);
    console.log(`sync.bootstrap_100k_ratio=${fmt(bootstrapS / bootstrapBaseS)}`);
    console.log(`sync.bootstrap_cold_first_run_s=${fmt(coldS)}`);
    console.log(
      `sync.bootstrap_pages=${recorded.length} (asked and decoded on the decoding thread: ${onThread})`,
    );
    console.log(`sync.bootstrap_bytes=${bytes}`);
    console.log(`sync.bootstrap_desk_rss_before_first_run_mb=${(rssBefore / 2 ** 20).toFixed(1)}`);
    console.log(`sync.bootstrap_desk_peak_rss_first_run_mb=${(peakRss / 2 ** 20).toFixed(1)}`);
    console.log(`sync.bootstrap_desk_max_rss_first_run_mb=${(maxRssKb / 1024).toFixed(1)}`);

    // Push: PUSH ship mutations queued offline, then one sync round, in PUSH_ROUNDS rounds on
    // orders of their own, each followed by its baseline: the same push bodies, one plain row
    // per mutation. The figures are the medians.
    const pushRounds: { s: number; phaseS: number; baseS: number; batches: number }[] = [];
    for (let round = 0; round < PUSH_ROUNDS; round++) {
      pushes.length = 0;
      pushFirstStart = 0;
      desk.transaction(() => {
        for (let i = round * PUSH; i < (round + 1) * PUSH; i++) {
          client.enqueue({
            type: 'ship',
            orderId: orderIdOf(i),
            carrier: 'SF',
            trackingNo: `SF${100000 + i}`,
          });
        }
      })();
      const t3 = performance.now();
      await syncUntilDone(client);
      const s = secondsSince(t3);
      const phaseS = (pushLastEnd - pushFirstStart) / 1000;
      if (client.pendingCount() !== 0) throw new Error('push left mutations pending');
      const issues = client.issues().length;
      if (issues !== 0) throw new Error(`${issues} mutations were rejected`);
      const t4 = performance.now();
      for (const req of pushes) {
        const res = await fetch(`${server.url}/bench/raw-push`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(req),
        });
        await res.text();
      }
      pushRounds.push({ s, phaseS, baseS: secondsSince(t4), batches: pushes.length });
    }
    const pushS = median(pushRounds.map((r) => r.s));
    const pushBaseS = median(pushRounds.map((r) => r.baseS));
    const pushPhaseS = median(pushRounds.map((r) => r.phaseS));
    console.log(`sync.push_10k_s=${fmt(pushS)}`);
    console.log(`sync.push_10k_baseline_s=${fmt(pushBaseS)}`);
    console.log(`sync.push_10k_ratio=${fmt(pushS / pushBaseS)}`);
    console.log(
      `sync.push_rounds_s=${pushRounds.map((r) => fmt(r.s)).join('/')} (baseline ${pushRounds
        .map((r) => fmt(r.baseS))
        .join('/')})`,
    );
    console.log(`sync.push_batches=${pushRounds[0]!.batches}`);
    // What the round spends after its last push answer: the pull that confirms the pushed
    // actions, their rebase and the outbox rows dropped.
    console.log(`sync.push_confirm_s=${fmt(median(pushRounds.map((r) => r.s - r.phaseS)))}`);

    // `pg` single-row autocommit INSERTs per second on the same database.
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(
      `CREATE TEMP TABLE single_rows (client_id text, mutation_id bigint, command jsonb)`,
    );
    const n = Math.min(PUSH, 5000);
    const t5 = performance.now();
    for (let i = 0; i < n; i++) {
      await c.query('INSERT INTO single_rows VALUES ($1, $2, $3)', ['bench', i, '{"type":"ship"}']);
    }
    const rowsPerS = n / secondsSince(t5);
    await c.end();
    const mutationsPerS = PUSH / pushPhaseS;
    console.log(`sync.push_mutations_per_s=${mutationsPerS.toFixed(0)}`);
    console.log(`sync.push_pg_single_row_inserts_per_s=${rowsPerS.toFixed(0)}`);
    console.log(`sync.push_mutations_per_s_ratio=${fmt(mutationsPerS / rowsPerS)}`);
    console.log(`sync.host_loadavg_1m=${loadavg()[0]?.toFixed(2)}`);
    desk.close();
  } finally {
    server.child.stdin?.end();
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.SYNC_BENCH_SERVER === '1') void serveChild();
