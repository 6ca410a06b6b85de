import type { ClaimState, OrderState, RefundState } from './types.ts';
import { OPEN_CLAIM_STATUSES, OPEN_REFUND_STATUSES } from './types.ts';

/** Lookups over an order's refunds and claims that several rule files share. */

export function openRefund(state: OrderState): RefundState | undefined {
  return state.refunds.find((r) => OPEN_REFUND_STATUSES.includes(r.status));
}

export function openClaim(state: OrderState): ClaimState | undefined {
  return state.claims.find((c) => OPEN_CLAIM_STATUSES.includes(c.status));
}

/** What a buyer can still be given back for this order, from any source. */
export function claimableFen(state: OrderState): number {
  return state.amountFen - state.refundedFen - state.compensatedFen;
}
