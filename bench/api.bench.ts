// The central API's write path: escrow commands through applyCommand against real PostgreSQL
// (batches of 500 commands group-committed by applyBatch: one transaction, claims, locks and
// writes one multi-row statement per table; row-locked, idempotency-recorded, posted to the
// hash-chained ledger and logged for sync), against plain single-row INSERTs
// through pg in the same batches as a baseline measured in the same run, in BENCH_API_ROUNDS (3)
// alternating rounds of each; the figures are their medians. BENCH_API_ORDERS scales a round
// (default 2,000 orders, four commands each: 16 batches; with the 4 batches of 500 orders the
// first, cold one was a quarter of the run, Node's CPU per command 180-190 µs instead of
// 115-135, and a p99 of four samples said nothing). Uses BENCH_DATABASE_URL (default the test
// database); without PostgreSQL it prints a reason and measures nothing.
//
// api.apply_2streams_*: the same commands in two streams on disjoint sets of shards, each its
// own sequence of 500-command transactions on its own connection, run at once (as two API
// processes, or two placements' batches, run them: docs/partitioning.md), against the baseline
// in the same two streams. It shows what taking the global serialisation points out bought:
// before the partitioning, the second stream would have waited on the first's ledger head.
import os, { loadavg } from 'node:os';
import type { CommandEnvelope } from '../shared/escrow/types.ts';
import { orderLifecycle } from './orderLifecycle.ts';
import { median, percentile } from './stats.ts';
import { createMerchant } from '../server/auth/users.ts';
import { openDatabase } from '../server/db/openDatabase.ts';
import type { Database } from '../server/db/database.ts';
import { applyBatch } from '../server/escrow/applyCommand.ts';
import { verifyLedger } from '../server/ledger/verifyLedger.ts';
import { pgBackendCpuUs } from './pgBackendCpu.ts';
import { pgReachable } from './pgReachable.ts';
import { shardOf } from '../shared/ledger/shards.ts';

const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 500;
/**
 * Rounds of the write path and of the baseline, alternating: the figures are the medians. One
 * pass of each moved the ratio between 0.38 and 0.57 from run to run on a quiet machine, most
 * of it the baseline's (one round trip per row, so the machine's wake-up latency of the
 * moment); a slow spell now falls on both.
 */
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const T0 = Date.UTC(2026, 0, 5);
function lifecycle(round: number, i: number): CommandEnvelope[] {
  return orderLifecycle(`o${round}-${i}`, `m${i % 20}`, 1_000 + (i % 997) * 13);
}

/** Each round's commands: its orders' creates, then their payments, ships and confirmations. */
function roundCommands(round: number, orders: number): CommandEnvelope[] {
  const perOrder = Array.from({ length: orders }, (_, i) => lifecycle(round, i));
  const all: CommandEnvelope[] = [];
  for (let step = 0; step < 4; step++) for (const cmds of perOrder) all.push(cmds[step]!);
  return all;
}

/**
 * A round's commands in `n` streams, split by the shard of each order's merchant, so no two
 * streams touch a shard in common; each keeps the round's order.
 */
function streams(all: readonly CommandEnvelope[], n: number): CommandEnvelope[][] {
  const merchantOf = new Map<string, string>();
  for (const e of all)
    if (e.command.type === 'create_order') merchantOf.set(e.command.orderId, e.command.merchantId);
  const out = Array.from({ length: n }, (): CommandEnvelope[] => []);
  for (const e of all) out[shardOf(merchantOf.get(e.command.orderId)!) % n]!.push(e);
  return out;
}

/** Seconds that the streams, each run by `each` at the same time, take together. */
async function timedStreams<T>(
  parts: CommandEnvelope[][],
  each: (part: CommandEnvelope[]) => Promise<T>,
): Promise<{ sec: number; results: T[] }> {
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(parts.map(each));
  return { sec: Number(process.hrtime.bigint() - t0) / 1e9, results };
}

/** Commands through applyBatch, BATCH per transaction; batch times pushed, rejections counted. */
async function applyStream(
  db: Database,
  all: readonly CommandEnvelope[],
  batchMs: number[],
): Promise<number> {
  let rejected = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    const t = process.hrtime.bigint();
    await db.transaction(async (tx) => {
      for (const o of await applyBatch(tx, all.slice(i, i + BATCH), T0 + i)) if (!o.ok) rejected++;
    });
    batchMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return rejected;
}

/**
 * Baseline: as many single-row INSERTs (one jsonb payload each) through the same pool, in the
 * same number of transactions.
 */
async function rawStream(
  db: Database,
  all: readonly CommandEnvelope[],
  batchMs: number[],
): Promise<void> {
  for (let i = 0; i < all.length; i += BATCH) {
    const t = process.hrtime.bigint();
    await db.transaction(async (tx) => {
      for (const e of all.slice(i, i + BATCH))
        await tx.query('INSERT INTO raw_commands (id, payload) VALUES ($1, $2)', [
          e.commandId,
          JSON.stringify(e.command),
        ]);
    });
    batchMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}

export async function run(): Promise<void> {
  if (!(await pgReachable(URL))) {
    console.log(`api.skipped=1 # no PostgreSQL at ${URL}`);
    return;
  }
  const orders = Number(process.env.BENCH_API_ORDERS ?? 2000);
  const schema = `bench_api_${process.pid}`;
  const db = await openDatabase({ url: URL, schema, maxConnections: 2 });
  try {
    for (let m = 0; m < 20; m++)
      await createMerchant(db, { merchantId: `m${m}`, name: `M${m}`, feeBps: 60 }, T0);
    await db.query('CREATE TABLE raw_commands (id text PRIMARY KEY, payload jsonb NOT NULL)');
    const batchMs: number[] = [];
    const rawMs: number[] = [];
    const applyPerSecs: number[] = [];
    const rawPerSecs: number[] = [];
    const twoPerSecs: number[] = [];
    const twoRawPerSecs: number[] = [];
    let rejected = 0;
    let commands = 0;
    let cpuUs = 0;
    let pgUs: number | null = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const all = roundCommands(round, orders);
      commands += all.length;
      const pg0 = await pgBackendCpuUs(db);
      const cpu0 = process.cpuUsage();
      const applied = await timedStreams([all], (p) => applyStream(db, p, batchMs));
      const cpu = process.cpuUsage(cpu0);
      const pg1 = await pgBackendCpuUs(db);
      cpuUs += cpu.user + cpu.system;
      pgUs = pgUs === null || pg0 === null || pg1 === null ? null : pgUs + (pg1 - pg0);
      rejected += applied.results[0]!;
      applyPerSecs.push(all.length / applied.sec);
      rawPerSecs.push(all.length / (await timedStreams([all], (p) => rawStream(db, p, rawMs))).sec);

      // Orders of their own (round numbers after the one-stream rounds'), as many.
      const twoRound = roundCommands(ROUNDS + round, orders);
      const two = streams(twoRound, 2);
      const twoApplied = await timedStreams(two, (p) => applyStream(db, p, []));
      rejected += twoApplied.results.reduce((n, r) => n + r, 0);
      twoPerSecs.push(twoRound.length / twoApplied.sec);
      const twoRaw = await timedStreams(two, (p) => rawStream(db, p, []));
      twoRawPerSecs.push(twoRound.length / twoRaw.sec);
    }
    const report = await verifyLedger(db);
    if (!report.ok || rejected > 0)
      throw new Error(
        `bench run is not clean: ${rejected} rejected, ${JSON.stringify(report.problems)}`,
      );

    const applyPerSec = median(applyPerSecs);
    const rawPerSec = median(rawPerSecs);
    const lines: [string, string | number][] = [
      ['api.commands', `${commands} (${ROUNDS} rounds of ${commands / ROUNDS})`],
      ['api.batch_size', BATCH],
      ['api.ledger_transactions', report.transactions],
      ['api.apply_cmds_per_s', Math.round(applyPerSec)],
      ['api.apply_rounds_cmds_per_s', applyPerSecs.map((x) => Math.round(x)).join('/')],
      ['api.apply_cpu_us_per_cmd', (cpuUs / commands).toFixed(1)],
      // PostgreSQL's CPU per command (its backends, from /proc), beside Node's: on a shared
      // machine these two are the figures that wall-clock load does not distort.
      ['api.apply_pg_cpu_us_per_cmd', pgUs === null ? 'n/a' : (pgUs / commands).toFixed(1)],
      ['api.raw_insert_rows_per_s', Math.round(rawPerSec)],
      ['api.raw_rounds_rows_per_s', rawPerSecs.map((x) => Math.round(x)).join('/')],
      ['api.apply_vs_raw_insert', (applyPerSec / rawPerSec).toFixed(3)],
      ['api.apply_batch_p50_ms', percentile(batchMs, 0.5).toFixed(1)],
      ['api.apply_batch_p99_ms', percentile(batchMs, 0.99).toFixed(1)],
      ['api.raw_batch_p50_ms', percentile(rawMs, 0.5).toFixed(1)],
      ['api.raw_batch_p99_ms', percentile(rawMs, 0.99).toFixed(1)],
      ['api.apply_2streams_cmds_per_s', Math.round(median(twoPerSecs))],
      ['api.apply_2streams_rounds_cmds_per_s', twoPerSecs.map((x) => Math.round(x)).join('/')],
      ['api.raw_2streams_rows_per_s', Math.round(median(twoRawPerSecs))],
      ['api.apply_2streams_vs_raw_insert', (median(twoPerSecs) / median(twoRawPerSecs)).toFixed(3)],
      ['host.cpus', os.cpus().length],
      ['host.loadavg_1m', loadavg()[0]!.toFixed(2)],
    ];
    for (const [k, v] of lines) console.log(`${k}=${v}`);
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
}
