import { DeskError } from '../errors.ts';

/**
 * The chart of accounts (DESIGN.md). Balances are stored signed: debits positive, credits
 * negative, so every transaction sums to zero and so does the whole ledger. An account's
 * "normal" side says which sign a healthy balance has; `floorZero` accounts must never cross
 * to the other side.
 */
export type AccountKind =
  | 'bank'
  | 'escrow'
  | 'merchant_available'
  | 'merchant_deposit'
  | 'payout_pending'
  | 'buyer_refundable'
  | 'guarantee_fund'
  | 'fees'
  | 'capital'
  | 'suspense';

export interface AccountSpec {
  kind: AccountKind;
  normal: 'debit' | 'credit';
  floorZero: boolean;
}

const SPECS: Record<AccountKind, AccountSpec> = {
  bank: { kind: 'bank', normal: 'debit', floorZero: true },
  escrow: { kind: 'escrow', normal: 'credit', floorZero: true },
  merchant_available: { kind: 'merchant_available', normal: 'credit', floorZero: true },
  merchant_deposit: { kind: 'merchant_deposit', normal: 'credit', floorZero: true },
  // A withdrawal reserved from available and not yet paid by the bank (or returned).
  payout_pending: { kind: 'payout_pending', normal: 'credit', floorZero: true },
  buyer_refundable: { kind: 'buyer_refundable', normal: 'credit', floorZero: true },
  guarantee_fund: { kind: 'guarantee_fund', normal: 'credit', floorZero: true },
  fees: { kind: 'fees', normal: 'credit', floorZero: true },
  // The platform's own money put into the guarantee fund; an equity account, credit-normal.
  capital: { kind: 'capital', normal: 'credit', floorZero: false },
  // Bank differences booked by reconciliation adjustments (unidentified receipts, reversals)
  // until finance clears them; either side, since a reversal is a debit here.
  suspense: { kind: 'suspense', normal: 'credit', floorZero: false },
};

const SEGMENT = /^[A-Za-z0-9_.-]{1,80}$/;

function seg(value: string, what: string): string {
  if (!SEGMENT.test(value)) throw new DeskError('invalid_input', `bad ${what} in account name`);
  return value;
}

export const account = {
  bank: (bank: string) => `platform:bank:${seg(bank, 'bank')}`,
  escrow: (orderId: string) => `escrow:order:${seg(orderId, 'order id')}`,
  merchantAvailable: (merchantId: string) => `merchant:${seg(merchantId, 'merchant id')}:available`,
  merchantDeposit: (merchantId: string) => `merchant:${seg(merchantId, 'merchant id')}:deposit`,
  payoutPending: (merchantId: string) =>
    `merchant:${seg(merchantId, 'merchant id')}:payout_pending`,
  buyerRefundable: (buyerId: string) => `buyer:${seg(buyerId, 'buyer id')}:refundable`,
  guaranteeFund: () => 'platform:guarantee_fund',
  fees: () => 'platform:fees',
  capital: () => 'platform:capital',
  suspense: () => 'platform:suspense',
};

/** Which kind an account name is; throws `invalid_input` for a name outside the chart. */
export function accountSpec(name: string): AccountSpec {
  const parts = name.split(':');
  const [a, b, c] = parts;
  if (parts.length === 3 && a === 'platform' && b === 'bank') return SPECS.bank;
  if (parts.length === 3 && a === 'escrow' && b === 'order') return SPECS.escrow;
  if (parts.length === 3 && a === 'merchant' && c === 'available') return SPECS.merchant_available;
  if (parts.length === 3 && a === 'merchant' && c === 'deposit') return SPECS.merchant_deposit;
  if (parts.length === 3 && a === 'merchant' && c === 'payout_pending') return SPECS.payout_pending;
  if (parts.length === 3 && a === 'buyer' && c === 'refundable') return SPECS.buyer_refundable;
  if (name === 'platform:guarantee_fund') return SPECS.guarantee_fund;
  if (name === 'platform:fees') return SPECS.fees;
  if (name === 'platform:capital') return SPECS.capital;
  if (name === 'platform:suspense') return SPECS.suspense;
  throw new DeskError('invalid_input', `unknown account ${JSON.stringify(name)}`);
}

/** The balance as people read it: positive on the account's normal side. */
export function normalBalance(name: string, signedFen: number): number {
  return accountSpec(name).normal === 'debit' ? signedFen : -signedFen;
}

/** True when a signed balance crosses to the wrong side of a floor-zero account. */
export function violatesFloor(name: string, signedFen: number): boolean {
  return specViolatesFloor(accountSpec(name), signedFen);
}

/** The merchant's own accounts (the chart has exactly these three per merchant). */
export function merchantAccounts(merchantId: string): string[] {
  return [
    account.merchantAvailable(merchantId),
    account.merchantDeposit(merchantId),
    account.payoutPending(merchantId),
  ];
}

/** Whether accountSpec knows the name. */
export function isKnownAccount(name: string): boolean {
  try {
    accountSpec(name);
    return true;
  } catch {
    return false;
  }
}

/** violatesFloor for an account whose spec the caller already has. */
export function specViolatesFloor(spec: AccountSpec, signedFen: number): boolean {
  return spec.floorZero && (spec.normal === 'debit' ? signedFen : -signedFen) < 0;
}
