import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnly } from '../store/openReadOnly.ts';
import { packTally, readPart, sha256Hex } from './journalParts.ts';
import type { JournalPartJob, JournalPartReply } from './journalParts.ts';

/**
 * A worker thread that reads part of a replica's journal (journalParts.ts) on its own
 * read-only connection, posts what it found back, and ends: one part's tally and, for the
 * first part, the fold of the scoped chain.
 */
const job = workerData as JournalPartJob;
let reply: JournalPartReply;
try {
  const db = openReadOnly(job.file, job.nativeBinding ? { nativeBinding: job.nativeBinding } : {});
  try {
    const { tally, fold } = readPart(db, job, sha256Hex);
    reply = { ok: true, tally: packTally(tally), ...(fold ? { fold } : {}) };
  } finally {
    db.close();
  }
} catch (err) {
  reply = { ok: false, message: (err as Error).message };
}
parentPort?.postMessage(reply);
