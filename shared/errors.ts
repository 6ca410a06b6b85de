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
  // shipping (issue 14): recipients, sender addresses, e-waybill numbers, CSV batches
  'recipient_name_invalid',
  'recipient_mobile_invalid',
  'recipient_address_invalid',
  'recipient_postcode_invalid',
  /** An e-waybill needs the buyer's recipient; orders made before recipients have none. */
  'recipient_missing',
  /** A refund photo that is not a raster image (judged from its bytes at upload). */
  'photo_not_image',
  /** Refusal evidence that is neither an image nor a PDF. */
  'evidence_type_not_allowed',
  /** More files than a refund request or refusal takes. */
  'too_many_files',
  /** Attaching files needs the server: the desk is offline. */
  'evidence_needs_connection',
  /** A time zone that is not an IANA zone this runtime knows. */
  'invalid_time_zone',
  /** An order for physical goods (express, surface) made without a recipient to ship to. */
  'recipient_required',
  /** The merchant has no sender address yet (a seller admin sets it). */
  'sender_address_missing',
  /** No waybill-number segment of this carrier has numbers left: the platform loads another. */
  'waybill_numbers_exhausted',
  /** The carrier has no e-waybill adapter (virtual goods, or a carrier not offered). */
  'waybill_carrier_unsupported',
  /** A segment the operator loads overlaps one already loaded for the carrier. */
  'waybill_segment_overlap',
  /** The order already shipped under another number. */
  'waybill_order_shipped',
  /** A CSV file that is not text (an image, a spreadsheet, an archive). */
  'csv_binary_file',
  /** More rows than a batch takes (20,000). */
  'csv_too_many_rows',
  /** A CSV file without a single data row. */
  'csv_no_rows',
  /** Text carrying U+0000 or an unpaired surrogate: refused for good, never stored. */
  'invalid_text',
  /** JSON nested deeper than the server's bound (checked before anything recursive runs). */
  'nesting_too_deep',
  /** The database refused the data itself (SQLSTATE class 22, 23 or 54): retrying cannot help. */
  'invalid_data',
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
  /** A second approval (or its refusal) must say why: an empty note is refused. */
  'note_required',
  // ledger
  'unbalanced_transaction',
  'insufficient_funds',
  'idempotency_conflict',
  'escrow_already_resolved',
  'escrow_already_held',
  'claim_already_paid',
  'guarantee_fund_insufficient',
  // treasury
  /** A withdrawal below the platform's minimum amount. */
  'withdrawal_below_minimum',
  /** Today's withdrawals (amount or count) would pass the merchant's daily limit. */
  'withdrawal_limit_exceeded',
  /** No payout account, or the one entered is still in its cooling-off period. */
  'payout_account_required',
  'withdrawal_not_found',
  /** The withdrawal was already paid out or returned: a settlement happens once. */
  'withdrawal_already_settled',
  /** A bank statement that cannot be read (format, size, structure, balances). */
  'statement_invalid',
  /** The bank already sent a statement with this reference and different content. */
  'statement_conflict',
  'exception_not_found',
  // auth
  'unauthorized',
  'forbidden',
  /** Too many login attempts for this account or from this address: wait (Retry-After). */
  'login_throttled',
  /** Locked after repeated failed logins; an administrator lifts it (admin CLI unlock-user). */
  'account_locked',
  /** The user's evidence uploads would exceed their quota (count or bytes). */
  'evidence_quota_exceeded',
  /**
   * No OS secret store (Linux without a keyring): the token cannot be kept safely between runs.
   * The sign-in view offers to sign in again with `rememberForRunOnly`.
   */
  'secret_store_unavailable',
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
  /** A queued action failed again and again while the server answered: given up, not applied. */
  'mutation_stuck',
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
