import type { Db } from './openDatabase.ts';

/**
 * Runs `fn` in a write transaction taken with BEGIN IMMEDIATE, so the write lock is held from
 * the first read: state read inside `fn` cannot change before its writes commit. Called inside
 * another transaction it becomes a SAVEPOINT (better-sqlite3 nests them), so a throw undoes
 * only this part. A throw rolls back and propagates.
 */
export function transaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
