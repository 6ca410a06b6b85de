import { canonicalJson } from './canonicalJson.ts';
import { chainLegs } from './chainLegs.ts';
import type { Leg } from './types.ts';
import type { Sha256Hex } from './sha256.ts';

/** The prev_hash of the journal's first transaction. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a journal transaction's hash covers: everything that states its meaning and place. */
export interface ChainedTransaction {
  /** The shard whose chain it belongs to (shards.ts); `seq` and `prevHash` are within it. */
  shard: number;
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
 * `legsText`, when given, must be chainLegs(txn.legs) (chainLegs.ts): the legs already written.
 */
export function chainHash(
  prevHash: string,
  txn: ChainedTransaction,
  sha256: Sha256Hex,
  legsText?: string,
): string {
  return sha256(`${prevHash}|${chainBody(txn, legsText)}`);
}

/**
 * canonicalJson of the hashed fields, written out for this one fixed shape: keys in sorted
 * order, legs as {account, amountFen}. It runs once per journal row on every verify (a million
 * rows on a busy desk), and the general serialiser's key sorting and copying were most of the
 * cost. test/shared/ledger holds it equal to canonicalJson for generated transactions.
 * `legsText` is the legs as chainLegs writes them, when the caller already holds that text.
 */
export function chainBody(txn: ChainedTransaction, legsText = chainLegs(txn.legs)): string {
  return (
    `{"at":${JSON.stringify(txn.at)},"commandId":${JSON.stringify(txn.commandId)}` +
    `,"currency":${JSON.stringify(txn.currency)},"kind":${JSON.stringify(txn.kind)}` +
    `,"legs":${legsText},"orderId":${JSON.stringify(txn.orderId)}` +
    `,"seq":${JSON.stringify(txn.seq)},"shard":${JSON.stringify(txn.shard)}` +
    `,"txnId":${JSON.stringify(txn.txnId)}}`
  );
}

/** The same body through the general serialiser: the definition chainBody must match. */
export function chainBodyByDefinition(txn: ChainedTransaction): string {
  const { shard, seq, txnId, commandId, kind, at, currency, orderId } = txn;
  const legs = txn.legs.map((l) => ({ account: l.account, amountFen: l.amountFen }));
  return canonicalJson({ shard, seq, txnId, commandId, kind, at, currency, orderId, legs });
}

/**
 * The scoped chain of docs/sync.md: `h = sha256(h_prev + txnHash)` over the transactions a
 * scope may see, in (shard, seq) order, from GENESIS_HASH. A desk folds what it holds and the server
 * folds the same scope; equal heads prove the replica holds exactly the server's rows.
 */
export function foldScopedChain(
  prevHead: string,
  txnHashes: Iterable<string>,
  sha256: Sha256Hex,
): string {
  let h = prevHead;
  for (const txnHash of txnHashes) h = scopedChainStep(h, txnHash, sha256);
  return h;
}

/** One step of the scoped chain, for a reader that folds as it goes. */
export function scopedChainStep(head: string, txnHash: string, sha256: Sha256Hex): string {
  return sha256(head + txnHash);
}
