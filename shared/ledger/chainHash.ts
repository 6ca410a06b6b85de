import { canonicalJson } from './canonicalJson.ts';
import type { Leg } from './types.ts';
import type { Sha256Hex } from './sha256.ts';

/** The prev_hash of the journal's first transaction. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a journal transaction's hash covers: everything that states its meaning and place. */
export interface ChainedTransaction {
  seq: number;
  txnId: string;
  commandId: string;
  kind: string;
  at: number;
  currency: string;
  orderId: string | null;
  legs: readonly Leg[];
}

/**
 * hash = sha256(prevHash | canonicalJson(txn)). The one transaction hash of the product: the
 * server computes it when it posts, its verify recomputes it from the stored entries, and a
 * desk recomputes it from the legs its replica holds, so an entry edited anywhere shows up as
 * `hash_chain_broken` at that transaction's seq. Legs are hashed in leg order, as posted.
 */
export function chainHash(prevHash: string, txn: ChainedTransaction, sha256: Sha256Hex): string {
  const { seq, txnId, commandId, kind, at, currency, orderId } = txn;
  const legs = txn.legs.map((l) => ({ account: l.account, amountFen: l.amountFen }));
  return sha256(
    `${prevHash}|${canonicalJson({ seq, txnId, commandId, kind, at, currency, orderId, legs })}`,
  );
}

/**
 * The scoped chain of docs/sync.md: `h = sha256(h_prev + txnHash)` over the transactions a
 * scope may see, in seq order, from GENESIS_HASH. A desk folds what it holds and the server
 * folds the same scope; equal heads prove the replica holds exactly the server's rows.
 */
export function foldScopedChain(
  prevHead: string,
  txnHashes: Iterable<string>,
  sha256: Sha256Hex,
): string {
  let h = prevHead;
  for (const txnHash of txnHashes) h = sha256(h + txnHash);
  return h;
}
