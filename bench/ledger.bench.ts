// The desk core's write path: escrow commands through the service onto a durable SQLite file
// (WAL, synchronous=FULL), against plain prepared INSERTs of as many entry rows as a baseline
// measured in the same run on the same disk. BENCH_ORDERS scales it (default 5,000 orders,
// four commands each).
import { mkdtempSync, rmSync } from 'node:fs';
import os, { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEscrowService } from '../electron/core/escrow/escrowService.ts';
import { verifyLedger } from '../electron/core/ledger/verifyLedger.ts';
import { openDatabase } from '../electron/core/store/openDatabase.ts';
import type { Db } from '../electron/core/store/openDatabase.ts';
import type { CommandEnvelope } from '../shared/escrow/types.ts';
import { orderLifecycle } from './orderLifecycle.ts';

const BATCH = 1000;
const T0 = Date.UTC(2026, 0, 5);

function lifecycle(tag: string, i: number): CommandEnvelope[] {
  return orderLifecycle(`${tag}${i}`, `m${i % 50}`, 1_000 + (i % 997) * 13);
}

function tempFile(): { file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'desk-bench-'));
  return {
    file: join(dir, 'bench.sqlite'),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const count = (db: Db, table: string) =>
  db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function run(): Promise<void> {
  const orders = Number(process.env.BENCH_ORDERS ?? 5_000);

  // Engine, batched: BATCH commands per transaction. Commands of one order are spread over
  // successive batches as they would arrive, not applied in one go.
  const engine = tempFile();
  const db = openDatabase(engine.file);
  const svc = createEscrowService(db);
  const all: CommandEnvelope[] = [];
  const perOrder = Array.from({ length: orders }, (_, i) => lifecycle('o', i));
  for (let step = 0; step < 4; step++) for (const cmds of perOrder) all.push(cmds[step]!);
  const totalChanges = () => db.prepare('SELECT total_changes()').pluck().get() as number;
  const changes0 = totalChanges();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let rejected = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    for (const r of svc.applyBatch(all.slice(i, i + BATCH), T0 + i)) if (!r.ok) rejected++;
  }
  const engineSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // Every row the engine inserted or updated, triggers included (search index, balances…).
  const rowWrites = totalChanges() - changes0;
  const entries = count(db, 'ledger_entries');
  const batches = Math.ceil(all.length / BATCH);
  const report = verifyLedger(db);
  if (!report.ok || rejected > 0)
    throw new Error(
      `bench run is not clean: ${rejected} rejected, ${JSON.stringify(report.problems)}`,
    );

  // Engine, one command per transaction (each commit waits for its fsync).
  const singles = lifecycle('single', 0).concat(
    ...Array.from({ length: Math.max(1, Math.floor(orders / 20)) }, (_, i) =>
      lifecycle('single', i + 1),
    ),
  );
  const latenciesMs: number[] = [];
  for (const e of singles) {
    const s = process.hrtime.bigint();
    const r = svc.apply(e, T0 + 1);
    latenciesMs.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (!r.ok) throw new Error(`single command rejected: ${r.error.code}`);
  }
  latenciesMs.sort((a, b) => a - b);
  db.close();
  engine.done();

  // Baseline: the same number of entry rows as plain prepared INSERTs into a table of the same
  // shape and indexes, same pragmas, committed in as many transactions.
  const raw = tempFile();
  const rdb = openDatabase(raw.file);
  rdb.exec(`CREATE TABLE raw_entries (seq INTEGER NOT NULL, leg INTEGER NOT NULL, account TEXT NOT NULL,
            amount_fen INTEGER NOT NULL, PRIMARY KEY (seq, leg)) STRICT, WITHOUT ROWID;
            CREATE INDEX raw_entries_by_account ON raw_entries (account)`);
  const insert = rdb.prepare('INSERT INTO raw_entries VALUES (?, ?, ?, ?)');
  const perTxn = Math.ceil(entries / batches);
  const insertMany = rdb.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++)
      insert.run(n >> 2, n & 3, `escrow:order:o${n >> 2}`, n % 2 ? 1_000 : -1_000);
  });
  const rawCpu0 = process.cpuUsage();
  const r0 = process.hrtime.bigint();
  for (let n = 0; n < entries; n += perTxn) insertMany.immediate(n, Math.min(entries, n + perTxn));
  const rawSec = Number(process.hrtime.bigint() - r0) / 1e9;
  const rawCpu = process.cpuUsage(rawCpu0);
  rdb.close();
  raw.done();

  const cmdsPerSec = all.length / engineSec;
  const engineRowsPerSec = entries / engineSec;
  const rawRowsPerSec = entries / rawSec;
  const lines: [string, string | number][] = [
    ['engine.commands', all.length],
    ['engine.batch_size', BATCH],
    ['engine.entry_rows', entries],
    ['engine.batched_cmds_per_s', Math.round(cmdsPerSec)],
    ['engine.entry_rows_per_s', Math.round(engineRowsPerSec)],
    // CPU per command is what the code costs; wall-clock rates also show how busy the host is.
    ['engine.batched_cpu_us_per_cmd', ((cpu.user + cpu.system) / all.length).toFixed(1)],
    ['engine.single_cmd_count', singles.length],
    ['engine.single_cmd_p50_ms', percentile(latenciesMs, 50).toFixed(3)],
    ['engine.single_cmd_p99_ms', percentile(latenciesMs, 99).toFixed(3)],
    ['raw.insert_rows_per_s', Math.round(rawRowsPerSec)],
    ['engine.vs_raw_insert', (engineRowsPerSec / rawRowsPerSec).toFixed(3)],
    // Context for the ratio: a command writes many rows besides ledger entries.
    ['engine.row_writes_per_cmd', (rowWrites / all.length).toFixed(2)],
    ['engine.row_writes_vs_raw_insert', (rowWrites / engineSec / rawRowsPerSec).toFixed(3)],
    ['engine.batched_cmds_per_cpu_s', Math.round((all.length * 1e6) / (cpu.user + cpu.system))],
    // The same ratio in CPU time (fsync waits left out): steadier than wall time on a busy host.
    [
      'engine.vs_raw_insert_cpu',
      ((rawCpu.user + rawCpu.system) / (cpu.user + cpu.system)).toFixed(3),
    ],
    ['host.cpus', os.cpus().length],
    ['host.loadavg_1m', loadavg()[0]!.toFixed(2)],
  ];
  for (const [k, v] of lines) console.log(`${k}=${v}`);
}
