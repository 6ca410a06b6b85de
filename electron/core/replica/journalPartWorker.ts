import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnly } from '../store/openReadOnly.ts';
import { foldSegments, packTally, sha256Hex, tallyJournalPart } from './journalParts.ts';
import type { JournalPartJob, JournalPartReply } from './journalParts.ts';

/**
 * A worker thread that reads part of a replica's journal (journalParts.ts) on its own
 * read-only connection, posts what it found back, and ends: one part's tally, or the fold of
 * the scoped chain.
 */
const job = workerData as JournalPartJob;
let reply: JournalPartReply;
try {
  const db = openReadOnly(job.file, job.nativeBinding ? { nativeBinding: job.nativeBinding } : {});
  try {
    reply =
      job.kind === 'fold'
        ? { ok: true, fold: foldSegments(db, job.segments, sha256Hex) }
        : {
            ok: true,
            tally: packTally(tallyJournalPart(db, job.segments, job.continues, sha256Hex)),
          };
  } finally {
    db.close();
  }
} catch (err) {
  reply = { ok: false, message: (err as Error).message };
}
parentPort?.postMessage(reply);
