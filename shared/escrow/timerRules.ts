import { DeskError } from '../errors.ts';
import { withPauseTransitions } from './autoConfirmPause.ts';
import type { Deadline } from './deadlines.ts';
import { timerDeadlines } from './deadlines.ts';
import { releaseToMerchant } from './escrowResolution.ts';
import type { EscrowPolicy } from './policy.ts';
import { agreeRefund, confirmReturn } from './refundRules.ts';
import type { EscrowEvent, OrderState } from './types.ts';

/**
 * `advance_timers`: fires every timer due at `now`, earliest first, each against the state the
 * previous one left. A timer fires at or after its deadline, never before; it cannot fire twice
 * because firing moves the state past it (its deadline disappears from `timerDeadlines`).
 * Events carry `now`, the authority's time of applying them, so the stream's times never go
 * backwards even when the scheduler runs late.
 */

/** Far more than any order can have due at once; reaching it means a timer failed to move on. */
const MAX_TIMER_STEPS = 64;

function fire(state: OrderState, d: Deadline, now: number, policy: EscrowPolicy): EscrowEvent[] {
  switch (d.kind) {
    case 'pay_by':
      return [{ type: 'order_closed_unpaid', at: now }];
    case 'auto_confirm':
      return [releaseToMerchant(state, now, 'auto_confirmed')];
    case 'refund_answer':
      return agreeRefund(state, d.refundId ?? '', now, policy, true);
    case 'return_ship':
      return [
        { type: 'refund_closed', at: now, refundId: d.refundId ?? '', why: 'return_not_shipped' },
      ];
    case 'return_confirm':
      return confirmReturn(state, d.refundId ?? '', now, true);
    case 'escalation':
      return [{ type: 'refund_closed', at: now, refundId: d.refundId ?? '', why: 'not_escalated' }];
    case 'seller_evidence':
      return [
        { type: 'claim_under_review', at: now, claimId: d.claimId ?? '', why: 'evidence_overdue' },
      ];
    case 'info_due':
      return [
        { type: 'claim_under_review', at: now, claimId: d.claimId ?? '', why: 'info_overdue' },
      ];
    case 'ship_by':
      return [];
  }
}

export function advanceTimers(
  state: OrderState,
  now: number,
  policy: EscrowPolicy,
): { events: EscrowEvent[]; state: OrderState } {
  const events: EscrowEvent[] = [];
  let current = state;
  for (let step = 0; step < MAX_TIMER_STEPS; step++) {
    const due = timerDeadlines(current, policy).find((d) => d.at <= now);
    if (!due) return { events, state: current };
    const fired = withPauseTransitions(current, fire(current, due, now, policy), now);
    if (fired.events.length === 0)
      throw new DeskError('internal', `timer ${due.kind} did not move`);
    events.push(...fired.events);
    current = fired.state;
  }
  throw new DeskError('internal', 'timers did not settle');
}
