import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { verifyLedger } from '../../../electron/core/ledger/verifyLedger.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';

/**
 * Crash safety: a child applies commands in a loop and is SIGKILLed at random moments, again
 * and again on the same database file. After every kill the file must pass SQLite's integrity
 * check and verifyLedger, every command the child saw committed must be there, and no command
 * may be there in part.
 *
 * The child is crashChild.ts. By default it is bundled once with esbuild and run by plain node:
 * under `node --import tsx` each start costs 1.5–4 s on a busy CI box, which for 50+ kills
 * would blow the suite's time budget. CRASH_SPAWN=tsx runs it as `node --import tsx` instead.
 */

const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const here = dirname(fileURLToPath(import.meta.url));
const childTs = join(here, 'crashChild.ts');

async function childCommand(dir: string): Promise<string[]> {
  if (process.env.CRASH_SPAWN === 'tsx') return ['--import', 'tsx', childTs];
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const out = join(dir, 'crashChild.mjs');
  await build({
    entryPoints: [childTs],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
    // The native addon stays where npm put it; the bundle imports it by absolute path.
    plugins: [
      {
        name: 'sqlite',
        setup: (b) =>
          b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })),
      },
    ],
  });
  return [out];
}

/** Runs the child until it is ready, lets it work for `workMs`, then kills it with SIGKILL. */
function runAndKill(
  args: string[],
  workMs: number,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => {
      timer = setTimeout(() => child.kill('SIGKILL'), workMs);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

const MONEY_EVENTS = new Set(['payment_confirmed', 'escrow_resolved', 'compensation_paid']);

function checkAfterCrash(db: Db, ackFile: string, round: number): number {
  const where = `after kill ${round}`;
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', where);
  const report = verifyLedger(db);
  assert.deepEqual(report.problems, [], where);

  const commands = new Map<string, { orderId: string; version: number; count: number }>();
  for (const r of db
    .prepare('SELECT command_id, order_id, order_version, event_count FROM commands')
    .all() as {
    command_id: string;
    order_id: string;
    order_version: number;
    event_count: number;
  }[]) {
    commands.set(r.command_id, {
      orderId: r.order_id,
      version: r.order_version,
      count: r.event_count,
    });
  }
  const txnIds = new Set(db.prepare('SELECT txn_id FROM ledger_txns').pluck().all() as string[]);

  // Every acknowledged command is wholly there.
  const acked = existsSync(ackFile)
    ? readFileSync(ackFile, 'utf8').split('\n').filter(Boolean)
    : [];
  for (const id of acked) {
    assert.ok(commands.has(id) || txnIds.has(id), `acknowledged ${id} is missing ${where}`);
  }

  // Nothing is there in part: events, command records and postings agree command by command.
  const eventsOf = new Map<string, { total: number; money: number }>();
  for (const e of db.prepare('SELECT command_id, type FROM order_events').all() as {
    command_id: string;
    type: string;
  }[]) {
    const c = eventsOf.get(e.command_id) ?? { total: 0, money: 0 };
    c.total++;
    if (MONEY_EVENTS.has(e.type)) c.money++;
    eventsOf.set(e.command_id, c);
  }
  const postingsOf = new Map<string, number>();
  for (const t of db
    .prepare("SELECT command_id, kind FROM ledger_txns WHERE kind <> 'recovery'")
    .all() as { command_id: string; kind: string }[]) {
    if (t.kind === 'fund_guarantee' || t.kind === 'merchant_deposit') continue;
    postingsOf.set(t.command_id, (postingsOf.get(t.command_id) ?? 0) + 1);
  }
  for (const [id, ev] of eventsOf) {
    const cmd = commands.get(id);
    assert.ok(cmd, `events of ${id} without its command record ${where}`);
    assert.equal(ev.total, cmd.count, `${id} has ${ev.total} of ${cmd.count} events ${where}`);
    assert.equal(postingsOf.get(id) ?? 0, ev.money, `${id} postings vs money events ${where}`);
  }
  for (const [id, cmd] of commands) {
    if (cmd.count > 0)
      assert.ok(eventsOf.has(id), `command ${id} recorded without events ${where}`);
  }
  for (const id of postingsOf.keys())
    assert.ok(commands.has(id), `posting of unknown command ${id} ${where}`);
  return acked.length;
}

/** One database file killed `rounds` times in a row; returns acks and rounds that progressed. */
async function lane(dir: string, child: string[], lane: number, rounds: number) {
  const file = join(dir, `desk-${lane}.sqlite`);
  const ackFile = join(dir, `acks-${lane}.txt`);
  openDatabase(file).close();
  let acked = 0;
  let progressed = 0;
  for (let k = 1; k <= rounds; k++) {
    // Rounds are numbered apart per lane so their order ids never collide.
    const round = lane * 10_000 + k;
    const workMs = 5 + Math.floor(Math.random() * 100);
    const r = await runAndKill([...child, file, ackFile, String(round)], workMs);
    assert.equal(
      r.signal,
      'SIGKILL',
      `round ${round}: the child ended by itself (code ${r.code}): ${r.stderr}`,
    );
    const db = openDatabase(file);
    try {
      const now = checkAfterCrash(db, ackFile, round);
      if (now > acked) progressed++;
      acked = now;
    } finally {
      db.close();
    }
  }
  return { acked, progressed };
}

test(
  `killed ${KILLS} times mid-work, the store never loses an acknowledged command nor keeps half of one`,
  { timeout: 170_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-crash-'));
    try {
      const child = await childCommand(dir);
      // Two database files killed side by side: the same number of kills in about half the time.
      const lanes = await Promise.all([
        lane(dir, child, 1, Math.ceil(KILLS / 2)),
        lane(dir, child, 2, Math.floor(KILLS / 2)),
      ]);
      const acked = lanes.reduce((n, l) => n + l.acked, 0);
      const progressed = lanes.reduce((n, l) => n + l.progressed, 0);
      console.log(`kills=${KILLS} acknowledged=${acked} rounds_with_progress=${progressed}`);
      assert.ok(progressed > KILLS / 2, 'most rounds got work done before the kill');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
