import type { Database } from './database.ts';
import { runMigrations } from './migrate.ts';
import { openPglite } from './pgliteDatabase.ts';
import { openPostgres } from './postgresDatabase.ts';

export interface DatabaseOptions {
  /** A postgres:// URL; without one the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; undefined keeps the database in memory. */
  dataDir?: string;
  schema?: string;
  maxConnections?: number;
  /** PgBouncer in transaction mode in front of PostgreSQL (postgresDatabase.ts). */
  transactionPooling?: boolean;
  /** Where LISTEN connects, directly to PostgreSQL (required with `transactionPooling`). */
  listenUrl?: string;
}

/** Opens PostgreSQL (or PGlite when no URL is given) and brings the schema up to date. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const db = opts.url
    ? await openPostgres({
        url: opts.url,
        schema: opts.schema,
        maxConnections: opts.maxConnections,
        transactionPooling: opts.transactionPooling,
        listenUrl: opts.listenUrl,
      })
    : await openPglite({ dataDir: opts.dataDir, schema: opts.schema });
  try {
    await runMigrations(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
