import pg from 'pg';
import type { Database } from '../server/db/database.ts';
import { openDatabase } from '../server/db/openDatabase.ts';
import { prepareDisputeSchema } from '../server/disputes/disputeMigrations.ts';
import { prepareTreasurySchema } from '../server/treasury/treasuryMigrations.ts';
import { prepareSyncSchema } from '../server/sync/syncMigrations.ts';

/**
 * One migrated PostgreSQL schema per process, emptied between runs. Migrating a fresh schema
 * costs seconds; a run of the shrinker is a few hundred milliseconds of work, so each run
 * instead truncates every table (restarting every sequence) and puts back the rows the
 * migrations themselves inserted (ledger and audit chain heads, migration records) — taken
 * from the freshly migrated schema, so a new migration's seed rows are kept without listing them.
 */
export const SIM_PG_URL = process.env.SIM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A database of its own per process, not just a schema: advisory locks are per database, and the
 * server takes some (migrations, the change log), so other test processes on the shared `test`
 * database could otherwise block or deadlock a run — and make its timing part of the result.
 */
const ownDatabase = (): string => `escrow_sim_${process.pid}`;

function urlFor(database: string): string {
  const u = new URL(SIM_PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SIM_PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface Template {
  db: Database;
  database: string;
  tables: string[];
  seedRows: { table: string; rows: Record<string, unknown>[] }[];
}

let template: Promise<Template> | null = null;

async function createTemplate(): Promise<Template> {
  const database = ownDatabase();
  const schema = 'sim';
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${database}`);
  });
  // One connection: the simulator sends one request at a time, so the order of every
  // statement is fixed by the schedule alone.
  const db = await openDatabase({ url: urlFor(database), schema, maxConnections: 1 });
  // The routes bring these up to date when they register; do it now so they are in the seed.
  await prepareSyncSchema(db);
  await prepareDisputeSchema(db);
  await prepareTreasurySchema(db);
  const t = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const tables = t.rows.map((r) => r.table_name);
  const seedRows: Template['seedRows'] = [];
  for (const table of tables) {
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    if (rows.rows.length > 0) seedRows.push({ table, rows: rows.rows });
  }
  return { db, database, tables, seedRows };
}

/** The process's simulation database, empty but for the migrations' own rows. */
export async function freshSimDatabase(): Promise<Database> {
  template ??= createTemplate();
  const t = await template;
  await t.db.transaction(async (tx) => {
    // The journal and audit tables refuse TRUNCATE by trigger (append-only); emptying a whole
    // simulation schema between runs is the one place that must get past them.
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`TRUNCATE ${t.tables.join(', ')} RESTART IDENTITY CASCADE`);
    for (const { table, rows } of t.seedRows) {
      for (const row of rows) {
        const cols = Object.keys(row);
        await tx.query(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
          cols.map((c) => row[c]),
        );
      }
    }
  });
  return t.db;
}

/** Closes the connection and drops the database; call once when the process is done. */
export async function closeSimDatabase(): Promise<void> {
  if (!template) return;
  const t = await template;
  template = null;
  await t.db.close();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${t.database} WITH (FORCE)`));
}

/** Memory held by the PostgreSQL backend serving the simulation (its memory contexts). */
export async function simDatabaseMemoryBytes(): Promise<number> {
  if (!template) return 0;
  const t = await template;
  const r = await t.db.query<{ bytes: number | null }>(
    'SELECT sum(total_bytes)::bigint AS bytes FROM pg_backend_memory_contexts',
  );
  return r.rows[0]?.bytes ?? 0;
}
