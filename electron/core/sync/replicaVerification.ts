import { createHash } from 'node:crypto';
import { SCOPED_CHAIN_GENESIS, foldScopedChain } from '../../../shared/sync/scopedChain.ts';
import type { Db } from '../store/openDatabase.ts';
import { createSyncMeta } from './syncMeta.ts';
import type { SyncTransport } from './syncTransport.ts';

/**
 * Replica verification (docs/sync.md): fold the scoped chain over the replicated journal up to
 * a sequence number and compare it with the server's fold over the same scope. A mismatch means
 * the replica lacks, adds or alters a transaction the server has; it is reported, never repaired
 * silently.
 */
export type ReplicaVerification =
  | {
      /** The first download (bootstrap) has finished: the replica claims to be whole. */
      complete: true;
      upTo: number;
      matches: boolean;
      local: { head: string; count: number };
      server: { head: string; count: number };
    }
  | {
      /**
       * Mid-bootstrap the replica holds some orders with all their rows and others not yet, in
       * order-id order, so no sequence number is a fair place to compare: nothing is asked.
       */
      complete: false;
      upTo: number;
      matches: false;
      local: { head: string; count: number };
      server: null;
    };

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export function localScopedHead(db: Db, upTo: number): { head: string; count: number } {
  const rows = db
    .prepare<[number], { hash: string }>('SELECT hash FROM sync_txns WHERE seq <= ? ORDER BY seq')
    .iterate(upTo);
  let count = 0;
  function* hashes(): Generator<string> {
    for (const r of rows) {
      count++;
      yield r.hash;
    }
  }
  const head = foldScopedChain(SCOPED_CHAIN_GENESIS, hashes(), sha256Hex);
  return { head, count };
}

/** What a replica claims to hold, read in one synchronous go (no await between the reads). */
export interface ReplicaCheckpoint {
  upTo: number;
  /** The pull cookie the fold belongs to: the server's chain is taken as of it. */
  cookie: string | null;
  /** The first download has finished; before that no seq is a fair place to compare. */
  complete: boolean;
  local: { head: string; count: number };
}

/** At `upTo`, by default the newest journal row this replica holds. */
export function replicaCheckpoint(db: Db, upTo?: number): ReplicaCheckpoint {
  const meta = createSyncMeta(db);
  const at =
    upTo ??
    db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM sync_txns').get()?.m ??
    0;
  return {
    upTo: at,
    cookie: meta.get('cookie'),
    complete: meta.get('bootstrapped') === '1',
    local: localScopedHead(db, at),
  };
}

/** Compares the replica's checkpoint with the server's chain as of the same cookie. */
export async function verifyReplica(
  db: Db,
  transport: SyncTransport,
  upTo?: number,
): Promise<ReplicaVerification> {
  const { upTo: at, cookie, complete, local } = replicaCheckpoint(db, upTo);
  if (!complete) return { complete: false, upTo: at, matches: false, local, server: null };
  const server = await transport.chain({ upTo: at, cookie });
  return {
    complete: true,
    upTo: at,
    matches: local.head === server.head && local.count === server.count,
    local,
    server: { head: server.head, count: server.count },
  };
}
