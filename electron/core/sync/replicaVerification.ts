import { createHash } from 'node:crypto';
import { SCOPED_CHAIN_GENESIS, foldScopedChain } from '../../../shared/sync/scopedChain.ts';
import type { Db } from '../store/openDatabase.ts';
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

/** Compares at `upTo`, by default the newest journal row this replica holds. */
export async function verifyReplica(
  db: Db,
  transport: SyncTransport,
  upTo?: number,
): Promise<ReplicaVerification> {
  const at =
    upTo ??
    db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM sync_txns').get()?.m ??
    0;
  // Read with the fold, before any await: the cookie names exactly what the fold covers.
  const meta = db.prepare<[string], { value: string }>('SELECT value FROM sync_meta WHERE key = ?');
  const cookie = meta.get('cookie')?.value ?? null;
  const local = localScopedHead(db, at);
  if (meta.get('bootstrapped')?.value !== '1')
    return { complete: false, upTo: at, matches: false, local, server: null };
  const server = await transport.chain({ upTo: at, cookie });
  return {
    complete: true,
    upTo: at,
    matches: local.head === server.head && local.count === server.count,
    local,
    server: { head: server.head, count: server.count },
  };
}
