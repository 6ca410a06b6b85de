/**
 * Stable error codes. Every rejection the rules, the ledger, the contract or the API can produce
 * has one of these codes; messages are for people, codes are for programs and tests.
 */
export const ERROR_CODES = [
  // input
  'invalid_input',
  /** Text carrying U+0000 or an unpaired surrogate (shared/text.ts): refused wherever it enters. */
  'invalid_text',
  'invalid_amount',
  'amount_too_large',
  'currency_mismatch',
  'amount_mismatch',
  'invalid_tracking_number',
  // lookup
  'order_not_found',
  'order_exists',
  'refund_not_found',
  'refund_exists',
  'claim_not_found',
  'claim_exists',
  /** A stored evidence file no longer matches the sha-256 its claim cites. */
  'evidence_mismatch',
  // state machine
  'invalid_state',
  'refund_open',
  'claim_open',
  'extension_used',
  'extension_not_allowed',
  'claim_window_closed',
  'claim_amount_exceeds_order',
  'partial_refund_requires_shipment',
  'second_approver_must_differ',
  'approval_not_pending',
  // ledger
  'unbalanced_transaction',
  'insufficient_funds',
  'idempotency_conflict',
  'escrow_already_resolved',
  'escrow_already_held',
  'claim_already_paid',
  'guarantee_fund_insufficient',
  // auth
  'unauthorized',
  'forbidden',
  // transport / system
  'not_found',
  'payload_too_large',
  'unknown_method',
  'internal',
  'unavailable',
  /** Asked of a desk with no central server (offline demo data): the answer lives on the server. */
  'server_required',
  /** Only the desktop app can do this (e.g. save a PDF); web mode answers so the page can fall back. */
  'unsupported',
  /** The other side speaks an older sync protocol than this one still serves: update the desk. */
  'upgrade_required',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** A rejection carried as a value: rules return it, services throw DeskError. */
export class DeskError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'DeskError';
    this.code = code;
  }
  toJSON(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isDeskError(value: unknown): value is DeskError {
  return value instanceof DeskError;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): { ok: false; error: ErrorInfo } => ({
  ok: false,
  error: { code, message },
});
