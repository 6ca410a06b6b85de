import type { Db } from './openDatabase.ts';

/**
 * A write transaction (BEGIN IMMEDIATE) for data the desk can always fetch again from the
 * server, committed without waiting for the disk: synchronous=NORMAL for this commit only.
 *
 * Why that is safe for a pulled page: in WAL mode a NORMAL commit is atomic and ordered like
 * any other; power loss can drop it (and only commits after the last sync), never half of it
 * or the database. A page's rows, its cookie, the confirmed mutation id and the outbox rows
 * it drops commit together, so a lost page leaves the replica at the previous cookie and the
 * next pull brings the same changes again (rejections included: they are change-log entries).
 * Every other transaction stays FULL, and its fsync of the WAL also makes every earlier commit
 * durable, so an action the user queued after a pull never outlives the pull it was decided
 * on. Measured on a 20,000-order bootstrap of 17 pages: 26 fsyncs instead of 43 (what is
 * left are the WAL checkpoints and the FULL commits around the pull).
 *
 * Inside another transaction the safety level cannot change: it runs there, as that one does.
 */
export function refetchableTransaction<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return db.transaction(fn).immediate();
  const level = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(fn).immediate();
  } finally {
    db.pragma(`synchronous = ${level}`);
  }
}
