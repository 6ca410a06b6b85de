/**
 * The scoped hash chain of docs/sync.md: `h = sha256(h_prev + txnHash)` over the transactions a
 * scope may see, in seq order, from 64 zeros. Desk and server fold the same way; the hash
 * function is passed in because shared/ may not import Node's crypto and Web Crypto is async.
 */
export const SCOPED_CHAIN_GENESIS = '0'.repeat(64);

export type Sha256Hex = (text: string) => string;

export function foldScopedChain(
  prevHead: string,
  txnHashes: Iterable<string>,
  sha256Hex: Sha256Hex,
): string {
  let h = prevHead;
  for (const txnHash of txnHashes) h = sha256Hex(h + txnHash);
  return h;
}
