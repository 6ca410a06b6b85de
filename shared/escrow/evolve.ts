import { DeskError } from '../errors.ts';
import type { ClaimState, EscrowEvent, OrderState, RefundState } from './types.ts';

/**
 * Folds one event into the order. Events are facts already decided, so evolve checks nothing
 * but its own preconditions (an event for a missing refund means a corrupt stream: it throws).
 * It never reads a clock; every time comes from the event.
 */
export function evolve(state: OrderState | null, event: EscrowEvent): OrderState {
  if (event.type === 'order_created') {
    if (state) throw new DeskError('order_exists', 'order_created on an existing order');
    return {
      orderId: event.orderId,
      merchantId: event.merchantId,
      buyerId: event.buyerId,
      currency: event.currency,
      amountFen: event.amountFen,
      feeBps: event.feeBps,
      goodsKind: event.goodsKind,
      item: { ...event.item },
      ...(event.recipient ? { recipient: { ...event.recipient } } : {}),
      status: 'awaiting_payment',
      createdAt: event.at,
      payDeadlineAt: event.payDeadlineAt,
      paidAt: null,
      bank: null,
      bankRef: null,
      shipByAt: null,
      shipment: null,
      autoConfirmAt: null,
      autoConfirmPausedAt: null,
      extended: false,
      heldFen: 0,
      releasedFen: 0,
      feeFen: 0,
      refundedFen: 0,
      compensatedFen: 0,
      completedAt: null,
      refunds: [],
      claims: [],
      version: 1,
    };
  }
  if (!state) throw new DeskError('order_not_found', `${event.type} before order_created`);
  const next = apply(state, event);
  return { ...next, version: state.version + 1 };
}

/** Folds events in order; the only way state changes, together with `decide`. */
export function applyEvents(state: OrderState | null, events: readonly EscrowEvent[]): OrderState {
  let s = state;
  for (const e of events) s = evolve(s, e);
  if (!s) throw new DeskError('order_not_found', 'no events and no state');
  return s;
}

function refund(state: OrderState, refundId: string, patch: Partial<RefundState>): OrderState {
  if (!state.refunds.some((r) => r.refundId === refundId)) {
    throw new DeskError('refund_not_found', `event for unknown refund ${refundId}`);
  }
  return {
    ...state,
    refunds: state.refunds.map((r) => (r.refundId === refundId ? { ...r, ...patch } : r)),
  };
}

function claim(
  state: OrderState,
  claimId: string,
  patch: (c: ClaimState) => Partial<ClaimState>,
): OrderState {
  if (!state.claims.some((c) => c.claimId === claimId)) {
    throw new DeskError('claim_not_found', `event for unknown claim ${claimId}`);
  }
  return {
    ...state,
    claims: state.claims.map((c) => (c.claimId === claimId ? { ...c, ...patch(c) } : c)),
  };
}

function apply(
  state: OrderState,
  event: Exclude<EscrowEvent, { type: 'order_created' }>,
): OrderState {
  switch (event.type) {
    case 'payment_confirmed':
      return {
        ...state,
        status: 'funds_held',
        paidAt: event.at,
        bank: event.bank,
        bankRef: event.bankRef,
        heldFen: event.amountFen,
        shipByAt: event.shipByAt,
      };
    case 'order_closed_unpaid':
      return { ...state, status: 'closed_unpaid', completedAt: event.at };
    case 'order_annotated':
      return { ...state, sellerNote: event.note, flag: event.flag };
    case 'order_shipped':
      return {
        ...state,
        status: 'shipped',
        shipment: { carrier: event.carrier, trackingNo: event.trackingNo, shippedAt: event.at },
        autoConfirmAt: event.autoConfirmAt,
      };
    case 'receipt_extended':
      return { ...state, extended: true, autoConfirmAt: event.autoConfirmAt };
    case 'auto_confirm_paused':
      return { ...state, autoConfirmPausedAt: event.at };
    case 'auto_confirm_resumed':
      return { ...state, autoConfirmPausedAt: null, autoConfirmAt: event.autoConfirmAt };
    case 'escrow_resolved':
      return {
        ...state,
        status:
          event.resolution === 'release'
            ? 'completed'
            : event.resolution === 'refund'
              ? 'refunded'
              : 'partially_refunded',
        heldFen: 0,
        releasedFen: state.releasedFen + event.toMerchantFen,
        feeFen: state.feeFen + event.feeFen,
        refundedFen: state.refundedFen + event.toBuyerFen,
        // Once the hold is resolved no auto-confirm can run, so a pause has nothing to resume.
        autoConfirmPausedAt: null,
        completedAt: event.at,
      };
    case 'refund_requested':
      return {
        ...state,
        refunds: [
          ...state.refunds,
          {
            refundId: event.refundId,
            kind: event.kind,
            amountFen: event.amountFen,
            reason: event.reason,
            status: 'requested',
            requestedAt: event.at,
            dueAt: event.dueAt,
            refuseReason: null,
            returnShipment: null,
            resolvedAt: null,
            ...(event.evidence && event.evidence.length > 0
              ? { buyerEvidence: event.evidence }
              : {}),
          },
        ],
      };
    case 'refund_agreed':
      return refund(state, event.refundId, { status: 'awaiting_return', dueAt: event.dueAt });
    case 'refund_refused':
      return refund(state, event.refundId, {
        status: 'refused',
        refuseReason: event.reason,
        dueAt: event.dueAt,
        ...(event.evidence && event.evidence.length > 0 ? { sellerEvidence: event.evidence } : {}),
      });
    case 'return_shipped':
      return refund(state, event.refundId, {
        status: 'awaiting_seller_confirm',
        returnShipment: {
          carrier: event.carrier,
          trackingNo: event.trackingNo,
          shippedAt: event.at,
        },
        dueAt: event.dueAt,
      });
    case 'refund_escalated':
      return refund(state, event.refundId, {
        status: 'escalated',
        dueAt: null,
        escalatedAt: event.at,
      });
    case 'refund_cancelled':
      return refund(state, event.refundId, {
        status: 'cancelled',
        dueAt: null,
        resolvedAt: event.at,
      });
    case 'refund_closed':
      return refund(state, event.refundId, { status: 'closed', dueAt: null, resolvedAt: event.at });
    case 'refund_completed':
      return refund(state, event.refundId, {
        status: 'refunded',
        dueAt: null,
        resolvedAt: event.at,
      });
    case 'claim_filed':
      return {
        ...state,
        claims: [
          ...state.claims,
          {
            claimId: event.claimId,
            amountFen: event.amountFen,
            reason: event.reason,
            status: 'submitted',
            filedAt: event.at,
            dueAt: null,
            buyerEvidence: [...event.evidence],
            sellerEvidence: [],
            sellerNote: null,
            pendingApproval: null,
            paidFen: 0,
            source: null,
            decidedAt: null,
            decidedBy: [],
            reasonCode: null,
          },
        ],
      };
    case 'claim_evidence_requested':
      return claim(state, event.claimId, () => ({
        status: 'awaiting_seller_evidence',
        dueAt: event.dueAt,
      }));
    case 'seller_evidence_submitted':
      return claim(state, event.claimId, (c) => ({
        sellerEvidence: [...c.sellerEvidence, ...event.evidence],
        sellerNote: event.note,
      }));
    case 'claim_under_review':
      return claim(state, event.claimId, () => ({ status: 'under_review', dueAt: null }));
    case 'claim_info_requested':
      return claim(state, event.claimId, () => ({ status: 'info_requested', dueAt: event.dueAt }));
    case 'claim_info_provided':
      return claim(state, event.claimId, (c) => ({
        buyerEvidence: [...c.buyerEvidence, ...event.evidence],
      }));
    case 'claim_approval_requested':
      return claim(state, event.claimId, () => ({
        status: 'awaiting_second_approval',
        dueAt: null,
        pendingApproval: {
          amountFen: event.amountFen,
          agentId: event.agentId,
          reasonCode: event.reasonCode,
          note: event.note,
          at: event.at,
        },
      }));
    case 'claim_approved':
      return claim(state, event.claimId, () => ({
        status: 'approved',
        dueAt: null,
        pendingApproval: null,
        paidFen: event.amountFen,
        source: event.source,
        decidedAt: event.at,
        decidedBy: [...event.agentIds],
        reasonCode: event.reasonCode,
      }));
    case 'claim_second_approval_refused':
      return claim(state, event.claimId, () => ({
        status: 'under_review',
        pendingApproval: null,
      }));
    case 'claim_rejected':
      return claim(state, event.claimId, () => ({
        status: 'rejected',
        dueAt: null,
        decidedAt: event.at,
        decidedBy: [event.agentId],
        reasonCode: event.reasonCode,
      }));
    case 'compensation_paid':
      return { ...state, compensatedFen: state.compensatedFen + event.amountFen };
  }
}
