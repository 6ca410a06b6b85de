import type { Fen } from '../money.ts';
import { reject } from './decision.ts';
import { refundToBuyer } from './escrowResolution.ts';
import { openRefund } from './openItems.ts';
import { refundFiles } from './refundEvidence.ts';
import type { EscrowPolicy } from './policy.ts';
import type { EscrowCommand, EscrowEvent, OrderState, RefundState, RefundStatus } from './types.ts';

/** After-sales refunds: request → agree / refuse → return → confirm, with escalation. */

type Cmd<T extends EscrowCommand['type']> = Extract<EscrowCommand, { type: T }>;

function findRefund(
  state: OrderState,
  refundId: string,
  allowed: readonly RefundStatus[],
): RefundState {
  const r = state.refunds.find((x) => x.refundId === refundId);
  if (!r) return reject('refund_not_found', `no refund ${refundId} on this order`);
  if (!allowed.includes(r.status)) {
    reject(
      'invalid_state',
      `refund ${refundId} is ${r.status}; this needs ${allowed.join(' or ')}`,
    );
  }
  return r;
}

/** A step with a deadline may no longer be taken once it passed, even if the timer is late. */
function beforeDue(r: RefundState, now: number, what: string): void {
  if (r.dueAt !== null && now >= r.dueAt) reject('invalid_state', `the time to ${what} has passed`);
}

/** The refund is paid: the refund completes and the escrow resolves to the buyer (in part). */
export function completeRefund(
  state: OrderState,
  refundId: string,
  amountFen: Fen,
  now: number,
  auto: boolean,
): EscrowEvent[] {
  return [
    { type: 'refund_completed', at: now, refundId, amountFen, auto },
    refundToBuyer(state, amountFen, now, { refundId }),
  ];
}

export function requestRefund(
  state: OrderState,
  cmd: Cmd<'request_refund'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  if (state.status !== 'funds_held' && state.status !== 'shipped') {
    reject('invalid_state', `a refund needs money held in escrow; the order is ${state.status}`);
  }
  if (state.refunds.some((r) => r.refundId === cmd.refundId)) {
    reject('refund_exists', `refund ${cmd.refundId} already exists`);
  }
  if (openRefund(state)) reject('refund_open', 'another refund on this order is still open');
  if (cmd.amountFen > state.heldFen) {
    reject('invalid_amount', `at most ${state.heldFen} fen is held for this order`);
  }
  const shipped = state.status === 'shipped';
  // Nothing has left the seller yet, so there is nothing to return and no reason to keep part.
  if (!shipped && (cmd.kind !== 'refund_only' || cmd.amountFen !== state.heldFen)) {
    reject('partial_refund_requires_shipment', 'before shipment only a full refund is possible');
  }
  const waitMs = shipped ? policy.refundAutoApproveShippedMs : policy.refundAutoApproveUnshippedMs;
  const photos = refundFiles(cmd.evidence, 'photos');
  return [
    {
      type: 'refund_requested',
      at: now,
      refundId: cmd.refundId,
      kind: cmd.kind,
      amountFen: cmd.amountFen,
      reason: cmd.reason,
      dueAt: now + waitMs,
      ...(photos.length > 0 ? { evidence: photos } : {}),
    },
  ];
}

/** The seller's yes, or the seller's silence (`auto`), to a requested refund. */
export function agreeRefund(
  state: OrderState,
  refundId: string,
  now: number,
  policy: EscrowPolicy,
  auto: boolean,
): EscrowEvent[] {
  const r = findRefund(state, refundId, ['requested']);
  if (r.kind === 'refund_only') return completeRefund(state, r.refundId, r.amountFen, now, auto);
  return [
    { type: 'refund_agreed', at: now, refundId, auto, dueAt: now + policy.returnShipWindowMs },
  ];
}

export function refuseRefund(
  state: OrderState,
  cmd: Cmd<'refuse_refund'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  const r = findRefund(state, cmd.refundId, ['requested', 'awaiting_seller_confirm']);
  beforeDue(r, now, 'answer');
  const evidence = refundFiles(cmd.evidence, 'refusal');
  return [
    {
      type: 'refund_refused',
      at: now,
      refundId: r.refundId,
      reason: cmd.reason,
      dueAt: now + policy.escalationWindowMs,
      ...(evidence.length > 0 ? { evidence } : {}),
    },
  ];
}

export function shipReturn(
  state: OrderState,
  cmd: Cmd<'ship_return'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  const r = findRefund(state, cmd.refundId, ['awaiting_return']);
  beforeDue(r, now, 'ship the return');
  return [
    {
      type: 'return_shipped',
      at: now,
      refundId: r.refundId,
      carrier: cmd.carrier,
      trackingNo: cmd.trackingNo,
      dueAt: now + policy.returnConfirmWindowMs,
    },
  ];
}

export function confirmReturn(
  state: OrderState,
  refundId: string,
  now: number,
  auto: boolean,
): EscrowEvent[] {
  const r = findRefund(state, refundId, ['awaiting_seller_confirm']);
  return completeRefund(state, r.refundId, r.amountFen, now, auto);
}

export function cancelRefund(state: OrderState, refundId: string, now: number): EscrowEvent[] {
  const r = findRefund(state, refundId, ['requested', 'refused', 'awaiting_return']);
  return [{ type: 'refund_cancelled', at: now, refundId: r.refundId }];
}

export function escalateRefund(state: OrderState, refundId: string, now: number): EscrowEvent[] {
  const r = findRefund(state, refundId, ['refused']);
  beforeDue(r, now, 'escalate');
  return [{ type: 'refund_escalated', at: now, refundId: r.refundId }];
}

export function resolveEscalation(
  state: OrderState,
  cmd: Cmd<'resolve_escalation'>,
  now: number,
): EscrowEvent[] {
  const r = findRefund(state, cmd.refundId, ['escalated']);
  if (cmd.outcome === 'close') {
    return [{ type: 'refund_closed', at: now, refundId: r.refundId, why: 'platform_decided' }];
  }
  const grantedFen = cmd.amountFen ?? r.amountFen;
  if (grantedFen > r.amountFen) {
    reject(
      'invalid_amount',
      `the buyer asked for ${r.amountFen} fen; the platform cannot grant more`,
    );
  }
  return completeRefund(state, r.refundId, grantedFen, now, false);
}
