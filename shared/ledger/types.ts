import type { Currency, Fen } from '../money.ts';

/** One line of a ledger transaction: debits positive, credits negative. */
export interface Leg {
  account: string;
  amountFen: Fen;
}

/**
 * What the escrow engine asks the ledger to post. `txnId` is the idempotency key; the optional
 * guards are enforced by unique constraints in the store, not only by code.
 */
export interface PostingRequest {
  txnId: string;
  /**
   * The shard whose chain it joins (shards.ts): its merchant's, for everything of an order or
   * a merchant. All its legs' balance rows are that shard's sub-accounts.
   */
  shard: number;
  /** The command id that caused it and the command's type, for the audit trail. */
  commandId: string;
  kind: PostingKind;
  at: number;
  currency: Currency;
  legs: Leg[];
  orderId?: string;
  /** Set on the posting that resolves an order's escrow: at most one per order. */
  resolvesEscrowOf?: string;
  /** Set on the posting that funds an order's escrow: at most one per order. */
  holdsEscrowOf?: string;
  /** Set on the posting that pays a claim's compensation: at most one per claim. */
  paysClaim?: string;
  /** Set on the posting that pays out or returns a withdrawal: at most one per withdrawal. */
  settlesWithdrawal?: string;
}

export type PostingKind =
  | 'payment_confirmed'
  | 'escrow_release'
  | 'escrow_refund'
  | 'escrow_split'
  | 'compensation'
  | 'recovery'
  | 'fund_guarantee'
  | 'merchant_deposit'
  /** merchant available → payout pending: a withdrawal reserved at request. */
  | 'withdrawal'
  /** payout pending → platform:bank: the bank paid the withdrawal out. */
  | 'payout'
  /** payout pending → merchant available: the bank failed the payout. */
  | 'payout_returned'
  /** platform:bank ↔ platform:suspense: a reconciliation adjustment (maker-checker). */
  | 'bank_adjustment';
