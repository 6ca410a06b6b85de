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

/** What a part worker is started with (journalPartWorker.ts): one part to tally. */
export interface JournalPartJob {
  file: string;
  nativeBinding?: string;
  segments: JournalSegment[];
  continues: boolean;
  /**
   * The first part's worker also folds the scoped chain over the whole journal: its own rows
   * as they pass, then the stored hashes of these segments (the other parts').
   */
  foldRest?: JournalSegment[];
}

export type ScopedHead = { head: string; count: number };

export type JournalPartReply =
  { ok: true; tally: PackedTally; fold?: ScopedHead } | { ok: false; message: string };

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

function addPackedCounts(into: Map<string, number>, { keys, counts }: PackedCounts): void {
  for (let i = 0; i < keys.length; i++) into.set(keys[i]!, (into.get(keys[i]!) ?? 0) + counts[i]!);
}

export const packTally = (t: JournalTally): PackedTally => ({
  ...t,
  holds: packCounts(t.holds),
  resolutions: packCounts(t.resolutions),
});

/**
 * The parts' tallies joined (shared joinJournalParts). Their per-order counts (half a million
 * orders in a million rows) are added straight into one map each: a map per part, copied into
 * the join's, was a second of the calling thread's time after the workers had finished.
 */
function joinPackedParts(parts: PackedTally[]): JournalTally {
  const holds = new Map<string, number>();
  const resolutions = new Map<string, number>();
  const none = new Map<string, number>();
  const joined = joinJournalParts(
    { contiguous: false },
    parts.map((p) => {
      addPackedCounts(holds, p.holds);
      addPackedCounts(resolutions, p.resolutions);
      return { ...p, holds: none, resolutions: none };
    }),
  );
  return { ...joined, holds, resolutions };
}

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
 * The segments cut into runs, in order, of seq spans in proportion to `shares` (one run per
 * share). A replica's rows are spread over its shards' seqs about evenly (a merchant's share of
 * its shard), so spans are about work.
 */
export function splitSegments(segments: JournalSegment[], shares: number[]): JournalSegment[][] {
  const span = segments.reduce((n, s) => n + s.to - s.from + 1, 0);
  const total = shares.reduce((a, b) => a + b, 0);
  // Where each run but the last ends, counted in rows from the start.
  const ends: number[] = [];
  for (let k = 0, sum = 0; k < shares.length - 1; k++)
    ends.push(Math.ceil((span * (sum += shares[k]!)) / total));
  const runs: JournalSegment[][] = [[]];
  let filled = 0;
  for (const s of segments) {
    let from = s.from;
    while (from <= s.to) {
      const end = ends[runs.length - 1] ?? Infinity;
      const to = Math.min(s.to, from + Math.max(1, end - filled) - 1);
      runs[runs.length - 1]!.push({ shard: s.shard, from, to });
      filled += to - from + 1;
      from = to + 1;
      if (filled >= end) runs.push([]);
    }
  }
  return runs.filter((r) => r.length > 0);
}

/** Rows read per statement: a page is one call into SQLite, not one per row as iterate() is. */
const PAGE_ROWS = 2_000;

/**
 * The segments' rows in (shard, seq) order, a page at a time: `shard, seq` and `columns`, as
 * arrays (better-sqlite3's raw mode). A million rows are read on a verify: building a keyed
 * object per row only to copy it into the verifier's shape cost a fifth of it, and iterate()'s
 * call per row a sixth more than pages of all().
 */
function* journalPages<Row extends [shard: number, seq: number, ...rest: unknown[]]>(
  db: Db,
  columns: string,
  segments: JournalSegment[],
): Generator<Row[]> {
  const page = db
    .prepare<[number, number, number, number], Row>(
      `SELECT shard, seq, ${columns} FROM sync_txns
        WHERE shard = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?`,
    )
    .raw();
  for (const s of segments)
    for (let from = s.from; from <= s.to;) {
      const rows = page.all(s.shard, from, s.to, PAGE_ROWS);
      yield rows;
      if (rows.length < PAGE_ROWS) break;
      from = rows[rows.length - 1]![1] + 1;
    }
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
  const columns = 'txn_id, command_id, kind, at, currency, order_id, legs_json, prev_hash, hash';
  for (const rows of journalPages<JournalRow>(db, columns, segments))
    for (const r of rows) {
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
export function foldSegments(
  db: Db,
  segments: JournalSegment[],
  sha256: Sha256Hex,
  fold: ScopedHead = { head: GENESIS_HASH, count: 0 },
): ScopedHead {
  for (const rows of journalPages<[number, number, string]>(db, 'hash', segments))
    for (const r of rows) {
      fold.head = scopedChainStep(fold.head, r[2], sha256);
      fold.count++;
    }
  return fold;
}

/**
 * One part job, read on `db` (a part worker's connection, or the calling thread's when the
 * worker could not do it): its tally and, for the first part, the fold of the whole journal.
 */
export function readPart(
  db: Db,
  job: Pick<JournalPartJob, 'segments' | 'continues' | 'foldRest'>,
  sha256: Sha256Hex,
): { tally: JournalTally; fold?: ScopedHead } {
  if (!job.foldRest) return { tally: tallyJournalPart(db, job.segments, job.continues, sha256) };
  const fold: ScopedHead = { head: GENESIS_HASH, count: 0 };
  const tally = tallyJournalPart(db, job.segments, job.continues, sha256, fold);
  return { tally, fold: foldSegments(db, job.foldRest, sha256, fold) };
}

/**
 * What folding a row's stored hash costs beside tallying the row (rehashing it from its legs,
 * summing them): about a fifth, measured over a million rows (fold 2.5 s, tally 13 s).
 */
const FOLD_PER_TALLY = 0.2;

/**
 * How the journal is shared among `workers` part workers when the first also folds the whole
 * scoped chain: it tallies fewer rows, so that its tally and the fold take about as long as
 * another's tally (with two workers, 40% of the rows against 60%).
 */
export function foldingShares(workers: number): number[] {
  const first = Math.max(0.05, (1 - (workers - 1) * FOLD_PER_TALLY) / (1 + FOLD_PER_TALLY));
  return [first, ...Array<number>(workers - 1).fill(1)];
}

export interface JournalPartsOptions {
  sha256: Sha256Hex;
  nativeBinding?: string;
  /**
   * Part workers at most (by default the cores, up to 4); 1 keeps it all in this thread, in
   * one pass. On a two-core machine the benches run on, a million rows took 8.1-9.1 s in two
   * workers (the first folding), 10.8-11.8 s in two workers and a third that folded, and
   * 13.3-13.7 s in one pass.
   */
  workers?: number;
  /** Rows (by seq span) each worker must have to be worth starting (ROWS_PER_WORKER). */
  rowsPerWorker?: number;
}

/**
 * A local verify's reading, started at once: the journal's parts tallied, each in a worker of
 * its own while the calling thread stays free, and joined; the first part's worker also folds
 * the scoped chain (no worker of its own: on as many workers as cores, a third thread only
 * took turns with the others). A small replica is read in the calling thread (a worker costs
 * more than it saves), and so is any part whose worker cannot start or fails, so a broken
 * worker never fails a verify.
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
    const read = readPart(db, { segments, continues: false, foldRest: [] }, opts.sha256);
    return {
      tally: Promise.resolve(read.tally),
      fold: Promise.resolve(read.fold!),
      workers: Promise.resolve(0),
    };
  }
  const base = {
    file: db.name,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  };
  const runs = splitSegments(segments, foldingShares(workers));
  let delivered = 0;
  const parts = runs.map((run, k) => {
    const job = {
      segments: run,
      continues: k > 0,
      ...(k === 0 ? { foldRest: runs.slice(1).flat() } : {}),
    };
    return inWorker({ ...base, ...job })
      .then((r) => {
        if (job.foldRest && !r.fold) throw new Error('the part worker did not fold');
        delivered++;
        return r;
      })
      .catch(() => {
        const { tally, fold } = readPart(db, job, opts.sha256);
        return { tally: packTally(tally), fold };
      });
  });
  const tally = Promise.all(parts).then((done) => joinPackedParts(done.map((d) => d.tally)));
  const fold = parts[0]!.then((first) => first.fold!);
  return { tally, fold, workers: tally.then(() => delivered) };
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
