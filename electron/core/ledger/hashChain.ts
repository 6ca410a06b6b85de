import { hash } from 'node:crypto';
import type { Db } from '../store/openDatabase.ts';

/** The prev_hash of the first transaction: 64 zeros, so every row has the same shape. */
export const GENESIS_HASH = '0'.repeat(64);

export interface TxnBody {
  txnId: string;
  commandId: string;
  kind: string;
  at: number;
  currency: string;
  orderId: string | null;
  claimId: string | null;
  legs: readonly { account: string; amountFen: number }[];
}

/**
 * The canonical serialisation that is hashed: a JSON array in a fixed field order, so the
 * same transaction yields the same bytes on the desk and on the server (no key-order or
 * whitespace ambiguity). Legs keep their posted order: it is part of what was posted.
 */
export function canonicalBody(body: TxnBody): string {
  const legs: (string | number)[] = [];
  for (const l of body.legs) legs.push(l.account, l.amountFen);
  return JSON.stringify([
    body.txnId,
    body.commandId,
    body.kind,
    body.at,
    body.currency,
    body.orderId,
    body.claimId,
    legs,
  ]);
}

/** hash = sha256(prev hash ‖ seq ‖ canonical body), hex. The seq binds a row to its place. */
export function txnHash(prevHash: string, seq: number, canonical: string): string {
  // One-shot hash(): several times cheaper than createHash() for short inputs.
  return hash('sha256', `${prevHash}|${seq}|${canonical}`, 'hex');
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The chain head after transaction `seq` (0 = before any), for comparing a replica with the
 * server up to a sequence number both have. Null when this journal has not reached `seq`.
 */
export function chainHeadAt(db: Db, seq: number): ChainHead | null {
  if (!Number.isSafeInteger(seq) || seq < 0) return null;
  if (seq === 0) return { seq: 0, hash: GENESIS_HASH };
  const row = db.prepare('SELECT seq, hash FROM ledger_txns WHERE seq = ?').get(seq) as
    ChainHead | undefined;
  return row ?? null;
}
