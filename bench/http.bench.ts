// The central API over real HTTP (issue 13): BENCH_HTTP_CLIENTS (64) concurrent clients drive
// BENCH_HTTP_ORDERS (3,000) distinct orders through pay (a signed bank notification), ship
// (seller staff) and confirm receipt (buyer), one request per command, against the API in a
// child process on PostgreSQL (BENCH_DATABASE_URL), so client and server do not share an event
// loop. Commands from concurrent requests are group-committed (server/escrow/commandQueue.ts).
// BENCH_HTTP_ROUNDS (3) rounds of this alternate with rounds of the baseline, each on orders of
// its own; the throughput figures are the medians of the rounds.
//
// Baseline, same run, same clients and HTTP stack: a Fastify route in the same child that stores
// each request as one plain row (one autocommit INSERT), no rules.
//
// Set-up is a BULK PATH (documented as such): orders are created with applyBatch directly,
// users and sessions are inserted as rows (no password hashing), because this measures the
// commands, not sign-in.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BankKey } from '../server/bank/bankKeys.ts';
import type { Queryable } from '../server/db/database.ts';
import { signNotification } from '../server/bank/notificationSignature.ts';
import type { CommandEnvelope } from '../shared/escrow/types.ts';
import { median, percentile } from './stats.ts';
import { orderLifecycle } from './orderLifecycle.ts';
import { pgBackendCpuUs } from './pgBackendCpu.ts';
import { pgReachable } from './pgReachable.ts';

const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ORDERS = Number(process.env.BENCH_HTTP_ORDERS ?? 3_000);
/**
 * Rounds of the API and of the baseline route, alternating, each on its own ORDERS orders: the
 * throughput figures are the medians, the latency percentiles are over every round's requests
 * (the first round is the server's cold one: its JIT and connections warming up).
 */
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_HTTP_CLIENTS ?? 64);
const MERCHANTS = 8;
const SCHEMA = 'bench_http';
const SELF = fileURLToPath(import.meta.url);
const T0 = Date.UTC(2026, 0, 5);
const orderIdOf = (i: number) => `h${i}`;
const merchantOf = (i: number) => `m${i % MERCHANTS}`;
const amountOf = (i: number) => 1_000 + (i % 997) * 13;

interface Ready {
  url: string;
  rawUrl: string;
  key: BankKey;
  tokens: Record<string, string>;
}

// ---- the server child ---------------------------------------------------------------------

async function serveChild(): Promise<void> {
  const [{ default: Fastify }, { openDatabase }, { startServer }, { applyBatch }, { sha256Hex }] =
    await Promise.all([
      import('fastify'),
      import('../server/db/openDatabase.ts'),
      import('../server/startServer.ts'),
      import('../server/escrow/applyCommand.ts'),
      import('../server/common/sha256.ts'),
    ]);
  const setup = new pg.Client({ connectionString: URL });
  await setup.connect();
  await setup.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await setup.end();
  const db = await openDatabase({ url: URL, schema: SCHEMA });
  const now = Date.now();
  const tokens: Record<string, string> = {};
  const users: Array<[string, string, string | null]> = [['b1', 'buyer', null]];
  for (let m = 0; m < MERCHANTS; m++) {
    await db.query(
      'INSERT INTO merchants (merchant_id, name, fee_bps, created_at) VALUES ($1, $2, 60, $3)',
      [`m${m}`, `M${m}`, T0],
    );
    users.push([`s-m${m}`, 'seller_staff', `m${m}`]);
  }
  for (const [userId, role, merchantId] of users) {
    await db.query(
      `INSERT INTO users (user_id, username, display_name, password_hash, role, merchant_id,
                          created_at) VALUES ($1, $1, $1, 'bench:no-login', $2, $3, $4)`,
      [userId, role, merchantId, T0],
    );
    const token = `bench-token-${userId}-${process.pid}`.padEnd(32, 'x');
    await db.query(
      'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [sha256Hex(token), userId, now, now + 86_400_000],
    );
    tokens[userId] = token;
  }
  for (let i = 0; i < ORDERS * ROUNDS; i += 500) {
    const creates: CommandEnvelope[] = [];
    for (let k = i; k < Math.min(ORDERS * ROUNDS, i + 500); k++)
      creates.push(orderLifecycle(orderIdOf(k), merchantOf(k), amountOf(k))[0]!);
    const out = await db.transaction((tx) => applyBatch(tx, creates, now));
    if (out.some((o) => !o.ok)) throw new Error('bench set-up: an order was not created');
  }
  await db.query('CREATE TABLE bench_raw_requests (id bigserial, body jsonb NOT NULL)');
  await analyzeFilledTables(db);

  const key: BankKey = { kid: 'bench', secret: 'b'.repeat(48) };
  const server = await startServer({
    db,
    bankSecrets: { icbc: [key] },
    timerIntervalMs: false,
    maxConnectionsPerAddress: 10_000,
  });
  const raw = Fastify({ logger: false });
  raw.post('/raw', async (request) => {
    await db.query('INSERT INTO bench_raw_requests (body) VALUES ($1)', [
      JSON.stringify(request.body),
    ]);
    return { ok: true };
  });
  await raw.listen({ host: '127.0.0.1', port: 0 });
  const addr = raw.server.address();
  const rawPort = typeof addr === 'object' && addr ? addr.port : 0;
  const cpu0 = process.cpuUsage();
  process.stdout.write(
    `ready ${JSON.stringify({ url: server.url, rawUrl: `http://127.0.0.1:${rawPort}/raw`, key, tokens })}\n`,
  );
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (line: string) => {
    if (line.startsWith('cpu')) {
      const c = process.cpuUsage(cpu0);
      process.stdout.write(
        `cpu ${c.user + c.system} ${JSON.stringify(server.ctx.commands?.stats ?? {})}\n`,
      );
    }
  });
  process.stdin.on('end', () => {
    void raw
      .close()
      .then(() => server.close())
      .then(() => db.query(`DROP SCHEMA ${SCHEMA} CASCADE`))
      .then(() => db.close())
      .then(() => process.exit(0));
  });
}

/**
 * ANALYZE the tables set-up filled, and only those. A table analyzed while empty is planned as
 * empty until the next ANALYZE: the foreign-key checks of the first ledger rows then cache a
 * sequential scan of `ledger_transactions`, and every later check reads the whole table (in a
 * 9,000-command run, 6,451 scans reading 5.9 M rows, half of PostgreSQL's CPU). A table never
 * analyzed is assumed to hold some pages, so its keys are looked up by index, and autovacuum
 * analyzes it once it has rows, as on a real server, whose ledger is never empty.
 */
async function analyzeFilledTables(db: { query: Queryable['query'] }): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(relname) AS name FROM pg_class
      WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'`,
  );
  for (const { name } of tables.rows) {
    const filled = await db.query(`SELECT 1 FROM ${name} LIMIT 1`);
    if (filled.rows.length > 0) await db.query(`ANALYZE ${name}`);
  }
}

// ---- the clients (this process) -----------------------------------------------------------

function startChild(): Promise<{ child: ChildProcess; ready: Ready }> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=<dir>: the server child writes a V8 CPU profile there (node --cpu-prof).
    const prof = process.env.BENCH_CPU_PROF;
    const flags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', SELF], {
      env: { ...process.env, HTTP_BENCH_SERVER: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout?.setEncoding('utf8');
    const onData = (c: string) => {
      buf += c;
      const m = /ready (.*)\n/.exec(buf);
      if (m?.[1]) {
        child.stdout?.off('data', onData);
        resolve({ child, ready: JSON.parse(m[1]) as Ready });
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

function askCpu(child: ChildProcess): Promise<{ cpuUs: number; stats: unknown }> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (c: string) => {
      buf += c;
      const m = /cpu (\d+) (.*)\n/.exec(buf);
      if (m) {
        child.stdout?.off('data', onData);
        resolve({ cpuUs: Number(m[1]), stats: JSON.parse(m[2]!) });
      }
    };
    child.stdout?.on('data', onData);
    child.stdin?.write('cpu\n');
  });
}

/**
 * Keep-alive connections, one per client loop: node:http rather than fetch, whose per-request
 * cost in this process (about 1 ms of CPU) took a core from the server it measures on this
 * 2-core machine. The API and the raw route share it.
 */
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  latencies: number[],
): Promise<void> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          latencies.push(performance.now() - t);
          const status = res.statusCode ?? 0;
          if (status >= 300) reject(new Error(`${url}: ${status} ${text}`));
          else resolve();
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `clients` loops, each taking the next order of [from, to) and running its three commands in
 * turn; every request's latency is added to `latencies`. Returns the seconds it took.
 */
async function drive(
  clients: number,
  [from, to]: [number, number],
  latencies: number[],
  step: (i: number, latencies: number[]) => Promise<void>,
): Promise<number> {
  let next = from;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < to; i = next++) await step(i, latencies);
    }),
  );
  return (performance.now() - t) / 1000;
}

export async function run(): Promise<void> {
  if (!(await pgReachable(URL))) {
    console.log(`api_http.skipped=1 # no PostgreSQL at ${URL}`);
    return;
  }
  const { child, ready } = await startChild();
  try {
    const auth = (userId: string) => ({ authorization: `Bearer ${ready.tokens[userId]}` });
    const meter = new pg.Client({ connectionString: URL });
    await meter.connect();
    const pgCpu = () =>
      pgBackendCpuUs({
        query: async <R>(sql: string) => {
          const r = await meter.query(sql);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
        },
      });
    const payShipConfirm = async (i: number, lat: number[]) => {
      const orderId = orderIdOf(i);
      const body = JSON.stringify({
        notificationId: `n-${orderId}`,
        bank: 'icbc',
        orderId,
        bankRef: `ICBC-${orderId}`,
        currency: 'CNY',
        amountFen: amountOf(i),
      });
      await post(
        `${ready.url}/v1/bank/notifications`,
        body,
        { 'x-bank-signature': signNotification(ready.key, body, Date.now()) },
        lat,
      );
      await post(
        `${ready.url}/v1/orders/${orderId}/ship`,
        JSON.stringify({ carrier: 'SF', trackingNo: `SF${1_000_000 + i}` }),
        auth(`s-${merchantOf(i)}`),
        lat,
      );
      await post(`${ready.url}/v1/orders/${orderId}/confirm-receipt`, '{}', auth('b1'), lat);
    };
    const rawSteps = async (i: number, lat: number[]) => {
      for (const kind of ['pay', 'ship', 'confirm'])
        await post(ready.rawUrl, JSON.stringify({ kind, orderId: orderIdOf(i) }), {}, lat);
    };
    const commands = ORDERS * 3;
    const apiLatencies: number[] = [];
    const rawLatencies: number[] = [];
    const apiPerSs: number[] = [];
    const rawPerSs: number[] = [];
    let serverUs = 0;
    let clientUs = 0;
    let pgUs: number | null = 0;
    let stats: unknown = {};
    for (let round = 0; round < ROUNDS; round++) {
      const orders: [number, number] = [round * ORDERS, (round + 1) * ORDERS];
      const pg0 = await pgCpu();
      const cpu0 = process.cpuUsage();
      const before = await askCpu(child);
      apiPerSs.push(commands / (await drive(CLIENTS, orders, apiLatencies, payShipConfirm)));
      const after = await askCpu(child);
      const clientCpu = process.cpuUsage(cpu0);
      const pg1 = await pgCpu();
      serverUs += after.cpuUs - before.cpuUs;
      clientUs += clientCpu.user + clientCpu.system;
      pgUs = pgUs === null || pg0 === null || pg1 === null ? null : pgUs + (pg1 - pg0);
      stats = after.stats;
      rawPerSs.push(commands / (await drive(CLIENTS, orders, rawLatencies, rawSteps)));
    }
    await meter.end();
    const all = commands * ROUNDS;
    const apiPerS = median(apiPerSs);
    const rawPerS = median(rawPerSs);
    const perSecs = (xs: number[]) => xs.map((x) => Math.round(x)).join('/');
    const lines: [string, string | number][] = [
      ['api.http_clients', CLIENTS],
      ['api.http_commands', `${all} (${ROUNDS} rounds of ${commands})`],
      ['api.http_cmds_per_s', Math.round(apiPerS)],
      ['api.http_rounds_cmds_per_s', perSecs(apiPerSs)],
      ['api.http_p50_ms', percentile(apiLatencies, 0.5).toFixed(1)],
      ['api.http_p99_ms', percentile(apiLatencies, 0.99).toFixed(1)],
      ['api.http_server_cpu_us_per_cmd', (serverUs / all).toFixed(0)],
      ['api.http_pg_cpu_us_per_cmd', pgUs === null ? 'n/a' : (pgUs / all).toFixed(0)],
      ['api.http_client_cpu_us_per_cmd', (clientUs / all).toFixed(0)],
      ['api.http_group_commit', JSON.stringify(stats)],
      ['api.http_raw_insert_per_s', Math.round(rawPerS)],
      ['api.http_raw_rounds_per_s', perSecs(rawPerSs)],
      ['api.http_raw_p50_ms', percentile(rawLatencies, 0.5).toFixed(1)],
      ['api.http_raw_p99_ms', percentile(rawLatencies, 0.99).toFixed(1)],
      ['api.http_vs_raw_insert', (apiPerS / rawPerS).toFixed(3)],
      ['host.cpus', cpus().length],
      ['host.loadavg_1m', loadavg()[0]!.toFixed(2)],
    ];
    for (const [k, v] of lines) console.log(`${k}=${v}`);
  } finally {
    agent.destroy();
    child.stdin?.end();
    await new Promise((r) => child.once('exit', r));
  }
}

if (process.env.HTTP_BENCH_SERVER === '1') void serveChild();
