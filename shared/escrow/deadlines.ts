import type { EscrowPolicy } from './policy.ts';
import { DEFAULT_POLICY } from './policy.ts';
import type { OrderState } from './types.ts';
import { OPEN_CLAIM_STATUSES, OPEN_REFUND_STATUSES } from './types.ts';

export type DeadlineKind =
  | 'pay_by'
  | 'ship_by'
  | 'auto_confirm'
  | 'refund_answer'
  | 'return_ship'
  | 'return_confirm'
  | 'escalation'
  | 'seller_evidence'
  | 'info_due';

export interface Deadline {
  kind: DeadlineKind;
  at: number;
  /** True when passing this deadline moves money (the UI warns more loudly). */
  moneyMoves: boolean;
  /** Which refund or claim the deadline belongs to, when it belongs to one. */
  refundId?: string;
  claimId?: string;
}

/** Advisory deadlines are shown but no timer acts on them. */
const ADVISORY: readonly DeadlineKind[] = ['ship_by'];

/**
 * The deadlines that matter for this order now, earliest first. The timer rules act on exactly
 * these (minus the advisory ones), so what the UI shows and what fires cannot drift apart.
 * The times are stored in the state when each step starts; `policy` is accepted so callers do not
 * depend on that choice.
 */
export function deadlines(state: OrderState, _policy: EscrowPolicy = DEFAULT_POLICY): Deadline[] {
  const out: Deadline[] = [];
  if (state.status === 'awaiting_payment') {
    out.push({ kind: 'pay_by', at: state.payDeadlineAt, moneyMoves: false });
  }
  if (state.status === 'funds_held' && state.shipByAt !== null) {
    out.push({ kind: 'ship_by', at: state.shipByAt, moneyMoves: false });
  }
  // A paused auto-confirm has no moment yet: it is shown as paused, not as a deadline.
  if (
    state.status === 'shipped' &&
    state.autoConfirmAt !== null &&
    state.autoConfirmPausedAt === null
  ) {
    out.push({ kind: 'auto_confirm', at: state.autoConfirmAt, moneyMoves: true });
  }
  for (const r of state.refunds) {
    if (!OPEN_REFUND_STATUSES.includes(r.status) || r.dueAt === null) continue;
    const refundId = r.refundId;
    if (r.status === 'requested') {
      // Auto-approving a refund-only request pays the buyer; a return request only starts the return.
      const moneyMoves = r.kind === 'refund_only';
      out.push({ kind: 'refund_answer', at: r.dueAt, moneyMoves, refundId });
    } else if (r.status === 'awaiting_return') {
      out.push({ kind: 'return_ship', at: r.dueAt, moneyMoves: false, refundId });
    } else if (r.status === 'awaiting_seller_confirm') {
      out.push({ kind: 'return_confirm', at: r.dueAt, moneyMoves: true, refundId });
    } else if (r.status === 'refused') {
      out.push({ kind: 'escalation', at: r.dueAt, moneyMoves: false, refundId });
    }
  }
  for (const c of state.claims) {
    if (!OPEN_CLAIM_STATUSES.includes(c.status) || c.dueAt === null) continue;
    const claimId = c.claimId;
    if (c.status === 'awaiting_seller_evidence') {
      out.push({ kind: 'seller_evidence', at: c.dueAt, moneyMoves: false, claimId });
    } else if (c.status === 'info_requested') {
      out.push({ kind: 'info_due', at: c.dueAt, moneyMoves: false, claimId });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The deadlines a timer acts on (everything but advisory ones), earliest first. */
export function timerDeadlines(
  state: OrderState,
  policy: EscrowPolicy = DEFAULT_POLICY,
): Deadline[] {
  return deadlines(state, policy).filter((d) => !ADVISORY.includes(d.kind));
}

/** When a scheduler should next run `advance_timers` for this order; null when nothing waits. */
export function nextTimerAt(
  state: OrderState,
  policy: EscrowPolicy = DEFAULT_POLICY,
): number | null {
  return timerDeadlines(state, policy)[0]?.at ?? null;
}
