import { DeskError } from '../../../shared/errors.ts';
import { accountSpec } from '../../../shared/ledger/accounts.ts';
import type { AccountSpec } from '../../../shared/ledger/accounts.ts';
import type { PostingKind, PostingRequest } from '../../../shared/ledger/types.ts';
import { isCurrency } from '../../../shared/money.ts';

const KINDS: ReadonlySet<PostingKind> = new Set<PostingKind>([
  'payment_confirmed',
  'escrow_release',
  'escrow_refund',
  'escrow_split',
  'compensation',
  'recovery',
  'fund_guarantee',
  'merchant_deposit',
  'payout',
]);

const MAX_ID_CHARS = 200;

export interface ValidatedLeg {
  account: string;
  amountFen: number;
  spec: AccountSpec;
}

function id(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_CHARS) {
    throw new DeskError('invalid_input', `${what} must be a non-empty string`);
  }
  return value;
}

function optionalId(value: unknown, what: string): string | null {
  return value === undefined || value === null ? null : id(value, what);
}

/**
 * Checks a posting before anything is written: ids present, a known kind, one supported
 * currency, at least two non-zero safe-integer legs on accounts of the chart, and debits equal
 * to credits. Throws a DeskError with the precise code; returns the legs with their specs.
 */
export function validatePosting(req: PostingRequest): ValidatedLeg[] {
  if (typeof req !== 'object' || req === null) throw new DeskError('invalid_input', 'no posting');
  id(req.txnId, 'txnId');
  id(req.commandId, 'commandId');
  if (!KINDS.has(req.kind)) throw new DeskError('invalid_input', `unknown posting kind`);
  if (!Number.isSafeInteger(req.at) || req.at < 0) {
    throw new DeskError('invalid_input', 'at must be epoch milliseconds');
  }
  if (!isCurrency(req.currency)) {
    throw new DeskError('currency_mismatch', `unsupported currency ${String(req.currency)}`);
  }
  const orderId = optionalId(req.orderId, 'orderId');
  optionalId(req.holdsEscrowOf, 'holdsEscrowOf');
  optionalId(req.resolvesEscrowOf, 'resolvesEscrowOf');
  const claimId = optionalId(req.paysClaim, 'paysClaim');
  if (claimId !== null && orderId === null) {
    throw new DeskError('invalid_input', 'a claim payment names its order');
  }
  if (!Array.isArray(req.legs) || req.legs.length < 2) {
    throw new DeskError('unbalanced_transaction', 'a transaction needs at least two legs');
  }
  const legs: ValidatedLeg[] = [];
  // Debits and credits are summed separately so each total is itself checked for overflow.
  let debitFen = 0;
  let creditFen = 0;
  for (const leg of req.legs) {
    if (typeof leg !== 'object' || leg === null || typeof leg.account !== 'string') {
      throw new DeskError('invalid_input', 'a leg needs an account');
    }
    const amount = leg.amountFen;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount === 0) {
      throw new DeskError('invalid_amount', 'leg amounts are non-zero safe integers of fen');
    }
    const spec = accountSpec(leg.account);
    if (amount > 0) debitFen += amount;
    else creditFen -= amount;
    if (!Number.isSafeInteger(debitFen) || !Number.isSafeInteger(creditFen)) {
      throw new DeskError('invalid_amount', 'transaction total overflows');
    }
    legs.push({ account: leg.account, amountFen: amount, spec });
  }
  if (debitFen !== creditFen) {
    throw new DeskError(
      'unbalanced_transaction',
      `debits ${debitFen} do not equal credits ${creditFen}`,
    );
  }
  return legs;
}
