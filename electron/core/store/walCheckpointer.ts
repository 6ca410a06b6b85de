import type { Worker } from 'node:worker_threads';
import { startWorker, workerEntryBeside } from '../../platform/startWorker.ts';
import type { Db } from './openDatabase.ts';

/**
 * Copies a replica's write-ahead log into the database file on a worker thread of its own, so
 * the core thread that applies pulled pages (and answers the renderer) does not. SQLite does
 * that copy, the checkpoint, inside whichever commit takes the WAL past `wal_autocheckpoint`
 * pages: on a first download (20,000 orders, 16 pages, bench/desk.bench.ts) that was about
 * 175 ms of a 1.2 s apply, each page's commit stalling 10-20 ms for the page before it.
 *
 * A PASSIVE checkpoint from a second connection never blocks the writer or its readers, and
 * a checkpoint is crash-safe at any moment, so nothing about durability changes: each commit
 * keeps its own sync level. While the worker runs, the core connection's own checkpoints
 * stay on as a bound (at 64 MiB of log instead of 4 MiB) in case the worker falls behind or
 * dies; when it stops, the connection's own setting comes back.
 */
export interface WalCheckpointer {
  /**
   * A write of `rows` rows committed: checkpoint it off this thread. The worker starts with the
   * first write of `START_ROWS` or more (a first download, a large catch-up); until then, and
   * for replicas that never see one, SQLite checkpoints as it always does.
   */
  wrote(rows: number): void;
  /** Ends the worker, after any checkpoint it is running; the database stays open. */
  stop(): Promise<void>;
}

/** Pages (4 KiB) of log the core connection lets grow while the worker checkpoints. */
const BOUND_PAGES = 16_384;
/** Rows in one commit that make the worker worth its start (a bootstrap page holds 5,000). */
const START_ROWS = 1000;

export interface WalCheckpointJob {
  file: string;
  nativeBinding?: string;
}

export function createWalCheckpointer(db: Db, opts: { nativeBinding?: string }): WalCheckpointer {
  let worker: { thread: Worker; exited: Promise<void> } | null = null;
  // Set once the worker failed: the core connection checkpoints by itself from then on.
  let failed = false;
  // What the core connection checkpoints at by itself, given back when the worker ends.
  const ownPages = db.pragma('wal_autocheckpoint', { simple: true }) as number;

  function restore(): void {
    if (db.open) db.pragma(`wal_autocheckpoint = ${ownPages}`);
  }

  function start(): { thread: Worker; exited: Promise<void> } {
    const job: WalCheckpointJob = {
      file: db.name,
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    };
    const thread = startWorker(workerEntryBeside(import.meta.url, 'walCheckpointWorker'), job);
    // An idle worker must not keep the process alive (tests, benches, a closing desk).
    thread.unref();
    thread.once('error', () => {
      failed = true;
    });
    const exited = new Promise<void>((resolve) =>
      thread.once('exit', () => {
        if (worker?.thread === thread) worker = null;
        restore();
        resolve();
      }),
    );
    db.pragma(`wal_autocheckpoint = ${BOUND_PAGES}`);
    return { thread, exited };
  }

  return {
    wrote(rows) {
      if (failed || db.memory) return;
      if (!worker && rows < START_ROWS) return;
      worker ??= start();
      worker.thread.postMessage('checkpoint');
    },
    async stop() {
      const w = worker;
      worker = null;
      if (!w) return;
      // Held while this waits: an unreferenced worker would let the process end first.
      w.thread.ref();
      w.thread.postMessage('stop');
      await w.exited;
    },
  };
}
