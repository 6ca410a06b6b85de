import { feeFen } from '../money.ts';
import type { Fen } from '../money.ts';
import { reject } from './decision.ts';
import type { EscrowEvent, OrderState } from './types.ts';

type Resolved = Extract<EscrowEvent, { type: 'escrow_resolved' }>;

/**
 * The single resolution of an order's hold (DESIGN.md: released, refunded or split at most
 * once). Every leg is derived from `heldFen`, so what leaves escrow is exactly what entered it.
 */

/** Everything to the seller, less the fee at the rate captured when the order was made. */
export function releaseToMerchant(
  state: OrderState,
  at: number,
  cause: 'buyer_confirmed' | 'auto_confirmed',
): Resolved {
  if (state.heldFen <= 0) reject('escrow_already_resolved', 'nothing is held for this order');
  const fee = feeFen(state.heldFen, state.feeBps);
  return {
    type: 'escrow_resolved',
    at,
    resolution: 'release',
    toBuyerFen: 0,
    toMerchantFen: state.heldFen - fee,
    feeFen: fee,
    cause,
  };
}

/**
 * `toBuyerFen` back to the buyer; the rest, if any, goes to the seller less the fee on that
 * rest only (the platform earns nothing on money it hands back).
 */
export function refundToBuyer(
  state: OrderState,
  toBuyerFen: Fen,
  at: number,
  cause: { refundId: string } | { claimId: string },
): Resolved {
  if (state.heldFen <= 0) reject('escrow_already_resolved', 'nothing is held for this order');
  if (!Number.isSafeInteger(toBuyerFen) || toBuyerFen <= 0 || toBuyerFen > state.heldFen) {
    reject('invalid_amount', `the refund must be from 1 to ${state.heldFen} fen`);
  }
  const restFen = state.heldFen - toBuyerFen;
  const fee = feeFen(restFen, state.feeBps);
  return {
    type: 'escrow_resolved',
    at,
    resolution: restFen === 0 ? 'refund' : 'split',
    toBuyerFen,
    toMerchantFen: restFen - fee,
    feeFen: fee,
    ...('refundId' in cause
      ? { cause: 'refund' as const, refundId: cause.refundId }
      : { cause: 'claim' as const, claimId: cause.claimId }),
  };
}
