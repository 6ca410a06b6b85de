import type { Leg } from '../../shared/ledger/types.ts';
import { canonicalJson, sha256Hex } from '../common/canonicalJson.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedTransaction {
  seq: number;
  txnId: string;
  commandId: string;
  kind: string;
  at: number;
  currency: string;
  orderId: string | null;
  legs: Leg[];
}

/**
 * Each journal transaction's hash covers the previous hash and everything that states its
 * meaning, so a replica holding the hash at sequence N can prove its journal up to N matches.
 * Legs are hashed in leg order, as stored.
 */
export function chainHash(prevHash: string, txn: ChainedTransaction): string {
  return sha256Hex(`${prevHash}|${canonicalJson(txn)}`);
}
