// Treasury reconciliation (issue 16): importing and matching one camt.053 statement of
// BENCH_RECON_LINES lines (default 100,000) against as many payment notifications in the ledger,
// through the real importer (parse, match, store lines, matches and exceptions in one
// transaction). Target: under 10 s. Baseline in the same run: the same lines stored with one
// plain multi-row INSERT per 10,000 (what storing them costs with no parsing or matching).
// The ledger's movements are written with bulk SQL (their posting is not what is measured).
// Uses BENCH_DATABASE_URL; without PostgreSQL it prints a reason and measures nothing.
import os, { loadavg } from 'node:os';
import { openDatabase } from '../server/db/openDatabase.ts';
import { importStatement } from '../server/treasury/statements/importStatement.ts';
import { buildReconReport } from '../server/treasury/statements/reconReport.ts';
import { prepareTreasurySchema } from '../server/treasury/treasuryMigrations.ts';
import { DEFAULT_TREASURY_POLICY, cstDateStart } from '../server/treasury/treasuryPolicy.ts';
import { camt053 } from '../test/treasury/statementFiles.ts';
import type { GeneratedLine } from '../test/treasury/statementFiles.ts';
import { pgReachable } from './pgReachable.ts';
import { shardOf } from '../shared/ledger/shards.ts';

/** The bulk seed's one merchant's shard. */
const SHARD = shardOf('m1');

const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATE = '2026-03-02';

export async function run(): Promise<void> {
  if (!(await pgReachable(URL))) {
    console.log(`recon.skipped=1 # no PostgreSQL at ${URL}`);
    return;
  }
  const n = Number(process.env.BENCH_RECON_LINES ?? 100_000);
  const schema = `bench_recon_${process.pid}`;
  const db = await openDatabase({ url: URL, schema, maxConnections: 2 });
  try {
    await prepareTreasurySchema(db);
    const dayStart = cstDateStart(DATE);
    // n paid orders: order row, payment_confirmed event with its bankRef, journal row, bank leg.
    await db.query(
      `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
         version, created_at, updated_at, shard)
       SELECT 'o' || i, 'm1', 'b1', 'funds_held', 'CNY', 1000 + i % 997, '{}'::jsonb, 2, $1, $1, $3
         FROM generate_series(1, $2::int) i`,
      [dayStart, n, SHARD],
    );
    await db.query(
      `INSERT INTO order_events (order_id, version, command_id, shard, event)
       SELECT 'o' || i, 2, 'bank:icbc:n' || i, $2,
              jsonb_build_object('type', 'payment_confirmed', 'bankRef', 'ICBC' || i,
                                 'amountFen', 1000 + i % 997)
         FROM generate_series(1, $1::int) i`,
      [n, SHARD],
    );
    await db.query(
      `INSERT INTO ledger_transactions (seq, txn_id, command_id, kind, at, currency, order_id,
         prev_hash, hash, shard)
       SELECT i, 't' || i, 'bank:icbc:n' || i, 'payment_confirmed', $1::bigint + i * 100, 'CNY', 'o' || i,
              md5((i - 1)::text), md5(i::text) || md5('h' || i), $3
         FROM generate_series(1, $2::int) i`,
      [dayStart, n, SHARD],
    );
    await db.query(
      `INSERT INTO ledger_entries (txn_id, leg_no, account, amount_fen, shard)
       SELECT 't' || i, 0, 'platform:bank:icbc', 1000 + i % 997, $2
         FROM generate_series(1, $1::int) i`,
      [n, SHARD],
    );
    await db.query('ANALYZE');
    const lines: GeneratedLine[] = [];
    for (let i = 1; i <= n; i++)
      lines.push({
        bookedAt: dayStart + i * 100,
        amountFen: 1000 + (i % 997),
        bankRef: `ICBC${i}`,
      });
    // A few differences, so the exception path is measured too.
    for (let i = 1; i <= 100; i++) {
      lines.push({ bookedAt: dayStart + i, amountFen: 1000 + (i % 997), bankRef: `ICBC${i}` });
      lines.push({ bookedAt: dayStart + i, amountFen: 555, bankRef: `UNKNOWN${i}` });
    }
    const file = Buffer.from(
      camt053({ statementRef: `BENCH-${DATE}`, date: DATE, openingFen: 0, lines }),
    );

    const t0 = process.hrtime.bigint();
    const imported = await importStatement(
      db,
      { role: 'finance', userId: 'bench' },
      'icbc',
      file,
      'camt053',
      dayStart + 2 * 86_400_000,
      DEFAULT_TREASURY_POLICY,
    );
    const importSec = Number(process.hrtime.bigint() - t0) / 1e9;
    const report = await buildReconReport(db, imported.statementId, dayStart + 2 * 86_400_000);
    if (imported.matched !== n || imported.exceptions !== 200 || report.differenceFen !== 0)
      throw new Error(
        `bench run is not clean: ${JSON.stringify(imported)} ${report.differenceFen}`,
      );

    // Baseline: the same lines stored as rows, nothing parsed or matched.
    await db.query(
      'CREATE TABLE raw_lines (line_no int PRIMARY KEY, booked_at bigint, amount_fen bigint, bank_ref text)',
    );
    const r0 = process.hrtime.bigint();
    await db.transaction(async (tx) => {
      for (let i = 0; i < lines.length; i += 10_000) {
        const part = lines.slice(i, i + 10_000);
        await tx.query(
          `INSERT INTO raw_lines SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::text[])`,
          [
            part.map((_, j) => i + j + 1),
            part.map((l) => l.bookedAt),
            part.map((l) => l.amountFen),
            part.map((l) => l.bankRef),
          ],
        );
      }
    });
    const rawSec = Number(process.hrtime.bigint() - r0) / 1e9;
    const out: [string, string | number][] = [
      ['recon.statement_lines', lines.length],
      ['recon.ledger_notifications', n],
      ['recon.file_mib', (file.length / 1048576).toFixed(1)],
      ['recon.import_match_s', importSec.toFixed(2)],
      ['recon.lines_per_s', Math.round(lines.length / importSec)],
      ['recon.raw_insert_s', rawSec.toFixed(2)],
      ['recon.import_vs_raw_insert', (importSec / rawSec).toFixed(2)],
      ['recon.target_s', 10],
      ['host.cpus', os.cpus().length],
      ['host.loadavg_1m', loadavg()[0]!.toFixed(2)],
    ];
    for (const [k, v] of out) console.log(`${k}=${v}`);
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
}
