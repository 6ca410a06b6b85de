import Database from 'better-sqlite3';
import { registerOverlayFunctions } from '../sync/overlayPatch.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type Db = Database.Database;

/** The page cache per connection, in KiB. */
export const CACHE_KIB = 64 * 1024;

export interface OpenOptions {
  /** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** better-sqlite3's nativeBinding, for the Electron-ABI build of the addon. */
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) the desk database with the durability settings money needs:
 * WAL so readers never block the writer, synchronous=FULL so a committed transaction survives
 * power loss (pulled pages, which the server can send again, skip that fsync:
 * refetchableTransaction.ts), foreign keys on, then applies pending migrations.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Savepoint and statement journals in memory: a batch keeps one SAVEPOINT per command, and
    // on disk their page images cost ~30 temp-file writes per command. They only ever serve a
    // rollback inside the open transaction; the WAL carries durability.
    db.pragma('temp_store = MEMORY');
    // A 64 MiB page cache (SQLite's default is 2 MiB): a command touches pages of a dozen
    // B-trees (orders, timeline, search, ledger, balances) spread by order id; with the default
    // they are evicted and re-read from the OS between commands (~20% of a command's CPU in
    // bench/ledger.bench.ts at 5,000 orders). Pages are allocated only as they are used.
    db.pragma(`cache_size = ${-CACHE_KIB}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    registerOverlayFunctions(db);
    migrate(db, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
