import { COMMANDS_BY_ROLE } from './authorize.ts';
import { decide } from './decide.ts';
import { openClaim, openRefund } from './openItems.ts';
import type { EscrowPolicy } from './policy.ts';
import { DEFAULT_POLICY } from './policy.ts';
import type { Actor, EscrowCommand, EscrowCommandType, OrderState, Role } from './types.ts';

/**
 * The commands this actor could issue now, for the UI to offer only possible actions. Each
 * candidate is tried against `decide` itself with a representative command, so the answer can
 * never disagree with the rules; an action whose only obstacle is what the user types (an amount,
 * a reason) counts as possible.
 *
 * `now` should be the authority's time as the desk knows it; without it the answer is as of the
 * order's latest recorded moment, which is right for state checks but may miss a deadline.
 */
export function allowedCommands(
  actor: Actor,
  state: OrderState | null,
  now?: number,
  policy: EscrowPolicy = DEFAULT_POLICY,
): EscrowCommandType[] {
  const role: Role = actor.role;
  if (!Object.hasOwn(COMMANDS_BY_ROLE, role)) return [];
  const at = now ?? (state ? latestMoment(state) : 0);
  const out: EscrowCommandType[] = [];
  for (const type of COMMANDS_BY_ROLE[role]) {
    const probe = probeCommand(type, actor, state);
    if (probe && decide(state, probe, { now: at, actor }, policy).ok) out.push(type);
  }
  return out;
}

function latestMoment(s: OrderState): number {
  const times = [s.createdAt, s.paidAt ?? 0, s.shipment?.shippedAt ?? 0, s.completedAt ?? 0];
  for (const r of s.refunds)
    times.push(r.requestedAt, r.resolvedAt ?? 0, r.returnShipment?.shippedAt ?? 0);
  for (const c of s.claims) times.push(c.filedAt, c.decidedAt ?? 0, c.pendingApproval?.at ?? 0);
  return Math.max(...times);
}

/** An id no refund or claim of this order uses yet. */
function freshId(taken: string[]): string {
  let n = taken.length;
  while (taken.includes(`probe-${n}`)) n++;
  return `probe-${n}`;
}

const PROBE_TRACKING = { carrier: 'probe', trackingNo: 'PROBE0000' };

/** A command of this type that only the state could reject; null when none can be formed. */
function probeCommand(
  type: EscrowCommandType,
  actor: Actor,
  state: OrderState | null,
): EscrowCommand | null {
  if (type === 'create_order') {
    // Creating is possible only where no order exists; the buyer fills in the rest.
    return state
      ? null
      : {
          type,
          orderId: 'probe',
          merchantId: 'probe',
          buyerId: actor.userId,
          currency: 'CNY',
          amountFen: 1,
          feeBps: 0,
          // Virtual: the probe asks whether an order can be made, not whether this one has a
          // recipient (physical goods without one are refused: recipient_required).
          goodsKind: 'virtual',
          item: { title: 'probe', quantity: 1 },
        };
  }
  if (!state) return null;
  const orderId = state.orderId;
  const refundId = openRefund(state)?.refundId ?? '';
  const claim = openClaim(state);
  const claimId = claim?.claimId ?? '';
  switch (type) {
    case 'confirm_payment':
      return {
        type,
        orderId,
        bank: 'probe',
        bankRef: 'probe',
        currency: state.currency,
        amountFen: state.amountFen,
      };
    case 'ship':
      return { type, orderId, ...PROBE_TRACKING };
    case 'confirm_receipt':
    case 'extend_receipt':
    case 'advance_timers':
      return { type, orderId };
    case 'request_refund':
      // A full refund-only request is the one every refundable state accepts.
      return state.heldFen > 0
        ? {
            type,
            orderId,
            refundId: freshId(state.refunds.map((r) => r.refundId)),
            kind: 'refund_only',
            amountFen: state.heldFen,
            reason: 'probe',
          }
        : null;
    case 'agree_refund':
    case 'confirm_return':
    case 'cancel_refund':
    case 'escalate_refund':
      return refundId ? { type, orderId, refundId } : null;
    case 'refuse_refund':
      return refundId ? { type, orderId, refundId, reason: 'probe' } : null;
    case 'annotate_order':
      return { type, orderId, note: '', flag: null };
    case 'ship_return':
      return refundId ? { type, orderId, refundId, ...PROBE_TRACKING } : null;
    case 'resolve_escalation':
      return refundId ? { type, orderId, refundId, outcome: 'close', note: '' } : null;
    case 'file_claim':
      return {
        type,
        orderId,
        claimId: freshId(state.claims.map((c) => c.claimId)),
        amountFen: 1,
        reason: 'probe',
        evidence: [],
      };
    case 'request_seller_evidence':
      return claimId ? { type, orderId, claimId } : null;
    case 'submit_seller_evidence':
    case 'provide_claim_info':
      return claimId ? { type, orderId, claimId, note: '', evidence: [] } : null;
    case 'decide_claim':
      return claimId
        ? { type, orderId, claimId, decision: 'reject', reasonCode: 'probe', note: '' }
        : null;
    case 'second_approval':
      // A note is required, and it is what the user types: the probe brings one.
      return claimId ? { type, orderId, claimId, approve: false, note: 'probe' } : null;
  }
}
