import Database from 'better-sqlite3';
import type { Db, OpenOptions } from './openDatabase.ts';

/**
 * A second, read-only connection to a desk database another connection keeps (a worker thread
 * reading part of it): no migrations, no writes, and none of the writer's modules loaded. WAL
 * lets it read beside the writer.
 */
export function openReadOnly(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  // Pages read straight from the mapped file instead of copied through the page cache: a
  // third less CPU over a million journal rows. Only this process writes the file, and never
  // shrinks it under a reader, so the map cannot fault.
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  return db;
}

/** SQLite caps it at its own maximum (2 GiB by default). */
const MMAP_BYTES = 2 ** 31;
