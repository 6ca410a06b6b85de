import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { WalCheckpointJob } from './walCheckpointer.ts';

/**
 * The worker thread of walCheckpointer.ts: its own connection to the replica file, a PASSIVE
 * checkpoint each time the core thread says it wrote, and nothing else (no migrations: the
 * core connection made the schema). Checkpoints that queued up while one ran are folded into
 * the next one, which copies whatever the log holds by then.
 */
const job = workerData as WalCheckpointJob;
const db = new Database(job.file, job.nativeBinding ? { nativeBinding: job.nativeBinding } : {});
// A checkpoint that finds the log busy copies what it can and returns; never wait for locks.
db.pragma('busy_timeout = 0');

let queued = false;
parentPort?.on('message', (message: 'checkpoint' | 'stop') => {
  if (message === 'stop') {
    db.close();
    parentPort?.close();
    return;
  }
  if (queued) return;
  queued = true;
  // After the messages already waiting, so a burst of them costs one checkpoint.
  setImmediate(() => {
    queued = false;
    try {
      if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Left to the next one, or to the core connection's own bound.
    }
  });
});
