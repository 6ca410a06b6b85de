import { applyEvents, evolve } from './evolve.ts';
import { openClaim, openRefund } from './openItems.ts';
import type { EscrowEvent, OrderState } from './types.ts';

/**
 * Auto-confirm must not release money while the buyer has a dispute open (DESIGN.md: any open
 * refund or claim pauses it). Rather than teaching every rule about the pause, decide looks at
 * the state before and after a command's events and adds the pause or resume event the change
 * calls for; paused time is added back on resume so it never counts.
 */
function pauseNeeded(state: OrderState): boolean {
  return (
    state.status === 'shipped' &&
    state.autoConfirmAt !== null &&
    (openRefund(state) !== undefined || openClaim(state) !== undefined)
  );
}

/**
 * `events` followed by the pause/resume event they imply at `now`, if any, and the state all
 * of them fold to from `before`.
 */
export function withPauseTransitions(
  before: OrderState,
  events: EscrowEvent[],
  now: number,
): { events: EscrowEvent[]; state: OrderState } {
  if (events.length === 0) return { events, state: before };
  const after = applyEvents(before, events);
  const paused = after.autoConfirmPausedAt !== null;
  const needed = pauseNeeded(after);
  let transition: EscrowEvent | null = null;
  if (needed && !paused) transition = { type: 'auto_confirm_paused', at: now };
  else if (!needed && paused && after.status === 'shipped' && after.autoConfirmAt !== null) {
    const pausedMs = Math.max(0, now - (after.autoConfirmPausedAt ?? now));
    transition = {
      type: 'auto_confirm_resumed',
      at: now,
      autoConfirmAt: after.autoConfirmAt + pausedMs,
    };
  }
  return transition
    ? { events: [...events, transition], state: evolve(after, transition) }
    : { events, state: after };
}
