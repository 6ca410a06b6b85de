import type { ErrorCode } from '../../shared/errors.ts';

/**
 * HTTP status for each stable error code: malformed input 400, authentication 401, permission
 * 403, unknown things 404, a request that conflicts with the current state 409, size 413.
 */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'order_not_found':
    case 'refund_not_found':
    case 'claim_not_found':
    case 'withdrawal_not_found':
    case 'exception_not_found':
    case 'unknown_method':
      return 404;
    case 'payload_too_large':
    case 'evidence_quota_exceeded':
      return 413;
    case 'account_locked':
      return 423;
    case 'login_throttled':
      return 429;
    case 'internal':
      return 500;
    case 'unavailable':
      return 503;
    case 'invalid_input':
    case 'invalid_amount':
    case 'amount_too_large':
    case 'currency_mismatch':
    case 'amount_mismatch':
    case 'invalid_tracking_number':
    case 'unbalanced_transaction':
    case 'invalid_text':
    case 'nesting_too_deep':
    case 'invalid_data':
    case 'note_required':
    case 'withdrawal_below_minimum':
    case 'statement_invalid':
    case 'recipient_name_invalid':
    case 'recipient_mobile_invalid':
    case 'recipient_address_invalid':
    case 'recipient_postcode_invalid':
    case 'recipient_required':
    case 'photo_not_image':
    case 'evidence_type_not_allowed':
    case 'too_many_files':
    case 'invalid_time_zone':
    case 'waybill_carrier_unsupported':
      return 400;
    default:
      // State-machine and ledger refusals: the request was well formed but conflicts with what
      // has already happened (invalid_state, idempotency_conflict, escrow_already_resolved, …).
      return 409;
  }
}
