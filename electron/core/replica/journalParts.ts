import { hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { startWorker, workerEntryBeside } from '../../platform/startWorker.ts';
import { GENESIS_HASH, scopedChainStep } from '../../../shared/ledger/chainHash.ts';
import { parseChainLegs } from '../../../shared/ledger/chainLegs.ts';
import type { Sha256Hex } from '../../../shared/ledger/sha256.ts';
import type { Leg } from '../../../shared/ledger/types.ts';
import { createJournalVerifier, joinJournalParts } from '../../../shared/ledger/verifyJournal.ts';
import type { JournalTally } from '../../../shared/ledger/verifyJournal.ts';
import type { ShardVector } from '../../../shared/sync/shardVector.ts';
import type { Db } from '../store/openDatabase.ts';

/**
 * A replica's journal verified in parts, each in its own worker thread with its own read-only
 * connection, then joined (shared/ledger joinJournalParts): a million rows are seconds of
 * rehashing and summing, a desk has more than one core, and the worker that owns the replica
 * keeps answering the renderer meanwhile. A part is a run of the journal in
 * (shard, seq) order, bounded above by the checkpoint taken before the parts start, so rows a
 * pull adds meanwhile are never half counted.
 */

/** sha-256 as hex, as the shared ledger code takes it (shared/ may not import node:crypto). */
export const sha256Hex: Sha256Hex = (text) => hash('sha256', text, 'hex');

/** Rows of one shard with from <= seq <= to. */
export interface JournalSegment {
  shard: number;
  from: number;
  to: number;
}

/** What a part worker is started with (journalPartWorker.ts): one part's tally, or the fold. */
export type JournalPartJob = {
  file: string;
  nativeBinding?: string;
  segments: JournalSegment[];
} & ({ kind: 'tally'; continues: boolean } | { kind: 'fold' });

export type ScopedHead = { head: string; count: number };

export type JournalPartReply =
  | { ok: true; tally: PackedTally }
  | { ok: true; fold: ScopedHead }
  | { ok: false; message: string };

/**
 * A tally as it crosses threads: the per-order counts (a hold and a resolution for most orders
 * a part holds) as a key array and a typed array, which clone several times faster than maps.
 */
export type PackedTally = Omit<JournalTally, 'holds' | 'resolutions'> & {
  holds: PackedCounts;
  resolutions: PackedCounts;
};
type PackedCounts = { keys: string[]; counts: Float64Array };

const packCounts = (m: Map<string, number>): PackedCounts => ({
  keys: [...m.keys()],
  counts: Float64Array.from(m.values()),
});

function unpackCounts({ keys, counts }: PackedCounts): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i]!, counts[i]!);
  return m;
}

export const packTally = (t: JournalTally): PackedTally => ({
  ...t,
  holds: packCounts(t.holds),
  resolutions: packCounts(t.resolutions),
});

const unpackTally = (t: PackedTally): JournalTally => ({
  ...t,
  holds: unpackCounts(t.holds),
  resolutions: unpackCounts(t.resolutions),
});

/** Below this many rows (by seq span) a verify runs in the calling thread: a worker costs more. */
export const ROWS_PER_WORKER = 100_000;
const MAX_WORKERS = 4;

/** A `sync_txns` row, its columns in table order (legs as chainLegs writes them). */
export type JournalRow = [
  shard: number,
  seq: number,
  txnId: string,
  commandId: string,
  kind: string,
  at: number,
  currency: string,
  orderId: string | null,
  legsJson: string,
  prevHash: string,
  hash: string,
];

/**
 * Each shard the replica holds rows of, with its first and last seq: index seeks, one shard at
 * a time (a GROUP BY would read every row, a third of a second per million).
 */
export function journalShards(db: Db): Array<{ shard: number; first: number; last: number }> {
  const next = db.prepare<[number], { shard: number }>(
    'SELECT shard FROM sync_txns WHERE shard > ? ORDER BY shard LIMIT 1',
  );
  const first = db.prepare<[number], { seq: number }>(
    'SELECT seq FROM sync_txns WHERE shard = ? ORDER BY seq LIMIT 1',
  );
  const last = db.prepare<[number], { seq: number }>(
    'SELECT seq FROM sync_txns WHERE shard = ? ORDER BY seq DESC LIMIT 1',
  );
  const shards: Array<{ shard: number; first: number; last: number }> = [];
  for (let s = next.get(-1); s; s = next.get(s.shard))
    shards.push({ shard: s.shard, first: first.get(s.shard)!.seq, last: last.get(s.shard)!.seq });
  return shards;
}

/** Each shard the replica holds rows of, from its first row up to `upTo`. */
export function journalSegments(db: Db, upTo: ShardVector): JournalSegment[] {
  return journalShards(db)
    .filter((s) => upTo.has(s.shard) && s.first <= upTo.get(s.shard)!)
    .map((s) => ({ shard: s.shard, from: s.first, to: upTo.get(s.shard)! }));
}

/**
 * The segments cut into `parts` runs of about equal seq span, in order. A replica's rows are
 * spread over its shards' seqs about evenly (a merchant's share of its shard), so equal spans
 * are about equal work.
 */
export function splitSegments(segments: JournalSegment[], parts: number): JournalSegment[][] {
  const span = segments.reduce((n, s) => n + s.to - s.from + 1, 0);
  const runs: JournalSegment[][] = [[]];
  let filled = 0;
  for (const s of segments) {
    let from = s.from;
    while (from <= s.to) {
      // Where the current run ends, counted in rows from the start; the last takes the rest.
      const end = runs.length < parts ? Math.ceil((span * runs.length) / parts) : Infinity;
      const to = Math.min(s.to, from + Math.max(1, end - filled) - 1);
      runs[runs.length - 1]!.push({ shard: s.shard, from, to });
      filled += to - from + 1;
      from = to + 1;
      if (filled >= end) runs.push([]);
    }
  }
  return runs.filter((r) => r.length > 0);
}

/**
 * One part's rows, rehashed and summed (the calling thread or a part worker). With `fold`, the
 * scoped chain is folded over the same rows as they pass (one read instead of two, when one
 * thread reads the whole journal).
 */
export function tallyJournalPart(
  db: Db,
  segments: JournalSegment[],
  continues: boolean,
  sha256: Sha256Hex,
  fold?: ScopedHead,
): JournalTally {
  const verifier = createJournalVerifier({ sha256, contiguous: false, continues });
  // Rows as arrays (better-sqlite3's raw mode): a million rows are read here, and building a
  // keyed object per row only to copy it into the verifier's shape cost a fifth of the verify.
  const select = db
    .prepare<[number, number, number], JournalRow>(
      `SELECT shard, seq, txn_id, command_id, kind, at, currency, order_id, legs_json, prev_hash,
              hash
         FROM sync_txns WHERE shard = ? AND seq BETWEEN ? AND ? ORDER BY seq`,
    )
    .raw();
  for (const segment of segments)
    for (const r of select.iterate(segment.shard, segment.from, segment.to)) {
      // Stored as chainLegs writes them (replicaStore.ts): read without JSON.parse and hashed
      // as they are. Text in any other form (an older replica, an edited row) is parsed.
      const legs = parseChainLegs(r[8]);
      verifier.add({
        shard: r[0],
        seq: r[1],
        txnId: r[2],
        commandId: r[3],
        kind: r[4],
        at: r[5],
        currency: r[6],
        orderId: r[7],
        legs: legs ?? (JSON.parse(r[8]) as Leg[]),
        legsText: legs ? r[8] : undefined,
        prevHash: r[9],
        hash: r[10],
      });
      if (fold) {
        fold.head = scopedChainStep(fold.head, r[10], sha256);
        fold.count++;
      }
    }
  return verifier.part();
}

/**
 * The scoped chain of docs/sync.md (shared scopedChainStep) over the segments' stored hashes,
 * in (shard, seq) order: what the replica claims to hold, compared with the server's fold.
 */
export function foldSegments(db: Db, segments: JournalSegment[], sha256: Sha256Hex): ScopedHead {
  const hashes = db
    .prepare<[number, number, number], string>(
      'SELECT hash FROM sync_txns WHERE shard = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    )
    .pluck();
  const fold: ScopedHead = { head: GENESIS_HASH, count: 0 };
  for (const s of segments)
    for (const h of hashes.iterate(s.shard, s.from, s.to)) {
      fold.head = scopedChainStep(fold.head, h, sha256);
      fold.count++;
    }
  return fold;
}

export interface JournalPartsOptions {
  sha256: Sha256Hex;
  nativeBinding?: string;
  /**
   * Part workers at most (by default the cores, up to 4); 1 keeps it all in this thread, in
   * one pass. On the two-core machine the benches run on, two parts and the fold in workers
   * took 8.0-8.5 s for a million rows against 9.5-9.6 s in one pass (and 40% more CPU).
   */
  workers?: number;
  /** Rows (by seq span) each worker must have to be worth starting (ROWS_PER_WORKER). */
  rowsPerWorker?: number;
}

/**
 * A local verify's reading, started at once: the journal's parts tallied and joined, and the
 * scoped chain folded, each in a worker of its own while the calling thread stays free. A
 * small replica is read in the calling thread (a worker costs more than it saves), and so is
 * any part whose worker cannot start or fails, so a broken worker never fails a verify.
 */
export function readJournal(
  db: Db,
  segments: JournalSegment[],
  opts: JournalPartsOptions,
): { tally: Promise<JournalTally>; fold: Promise<ScopedHead>; workers: Promise<number> } {
  // The seqs spanned, an upper bound of the rows held (counting them would read every page):
  // a small replica spread over a shard's long history (an agent's few disputed orders) may
  // start workers it did not need, which costs a worker's start, not a wrong answer.
  const span = segments.reduce((n, s) => n + s.to - s.from + 1, 0);
  const workers = Math.min(
    opts.workers ?? Math.min(availableParallelism(), MAX_WORKERS),
    Math.floor(span / (opts.rowsPerWorker ?? ROWS_PER_WORKER)),
  );
  // An in-memory database has no file for a second connection to open.
  if (workers < 2 || !db.name || db.memory) {
    const fold: ScopedHead = { head: GENESIS_HASH, count: 0 };
    return {
      tally: Promise.resolve(tallyJournalPart(db, segments, false, opts.sha256, fold)),
      fold: Promise.resolve(fold),
      workers: Promise.resolve(0),
    };
  }
  const base = {
    file: db.name,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  };
  const runs = splitSegments(segments, workers);
  let delivered = 0;
  const parts = runs.map((run, k) =>
    inWorker({ ...base, segments: run, kind: 'tally', continues: k > 0 }).then(
      (r) => {
        if (!('tally' in r)) throw new Error('no tally');
        delivered++;
        return unpackTally(r.tally);
      },
      () => tallyJournalPart(db, run, k > 0, opts.sha256),
    ),
  );
  const fold = inWorker({ ...base, segments, kind: 'fold' }).then(
    (r) => {
      if (!('fold' in r)) throw new Error('no fold');
      delivered++;
      return r.fold;
    },
    () => foldSegments(db, segments, opts.sha256),
  );
  const tally = Promise.all(parts).then((done) => joinJournalParts({ contiguous: false }, done));
  return { tally, fold, workers: Promise.all([tally, fold]).then(() => delivered) };
}

function inWorker(job: JournalPartJob): Promise<Exclude<JournalPartReply, { ok: false }>> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(workerEntryBeside(import.meta.url, 'journalPartWorker'), job);
    worker.once('message', (reply: JournalPartReply) => {
      if (reply.ok) resolve(reply);
      else reject(new Error(reply.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`journal part worker exited with ${code}`)));
  });
}
