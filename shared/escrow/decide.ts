import { DeskError } from '../errors.ts';
import { authorize } from './authorize.ts';
import { withPauseTransitions } from './autoConfirmPause.ts';
import { applyEvents } from './evolve.ts';
import {
  decideClaim,
  fileClaim,
  provideClaimInfo,
  requestSellerEvidence,
  secondApproval,
  submitSellerEvidence,
} from './claimRules.ts';
import type { Decision } from './decision.ts';
import { reject } from './decision.ts';
import { confirmPayment, confirmReceipt, createOrder, extendReceipt, ship } from './orderRules.ts';
import type { EscrowPolicy } from './policy.ts';
import { DEFAULT_POLICY } from './policy.ts';
import {
  agreeRefund,
  cancelRefund,
  confirmReturn,
  escalateRefund,
  refuseRefund,
  requestRefund,
  resolveEscalation,
  shipReturn,
} from './refundRules.ts';
import { advanceTimers } from './timerRules.ts';
import type { DecideContext, EscrowCommand, EscrowEvent, OrderState } from './types.ts';
import { validateCommand } from './validateCommand.ts';

export type { Decision } from './decision.ts';

/**
 * The escrow rules' one entry point: given the order (null before it exists), a command and
 * who asks when, answer with the events that follow or a stable rejection. Pure: the time is
 * `ctx.now`, nothing is random, nothing is read or written elsewhere. State changes only by
 * folding the returned events with `evolve`.
 */
export function decide(
  state: OrderState | null,
  command: EscrowCommand,
  ctx: DecideContext,
  policy: EscrowPolicy = DEFAULT_POLICY,
): Decision {
  try {
    return { ok: true, ...decideOrThrow(state, command, ctx, policy) };
  } catch (e) {
    if (e instanceof DeskError) return { ok: false, error: e.toJSON() };
    throw e;
  }
}

function decideOrThrow(
  state: OrderState | null,
  command: EscrowCommand,
  ctx: DecideContext,
  policy: EscrowPolicy,
): { events: EscrowEvent[]; state: OrderState } {
  const invalid = validateCommand(command);
  if (invalid) throw new DeskError(invalid.code, invalid.message);
  const now = ctx.now;
  if (!Number.isSafeInteger(now) || now < 0)
    reject('invalid_input', 'now must be epoch milliseconds');
  if (command.type === 'create_order') {
    // Who may create comes first: a caller who may not create orders learns nothing about
    // which ids are taken.
    const denied = authorize(ctx.actor, command, null);
    if (denied) throw new DeskError(denied.code, denied.message);
    if (state) reject('order_exists', `order ${command.orderId} already exists`);
    const events = createOrder(command, now, policy);
    return { events, state: applyEvents(null, events) };
  }
  if (!state) return reject('order_not_found', `no order ${command.orderId}`);
  if (state.orderId !== command.orderId) {
    reject('invalid_input', 'the command is for a different order than the state given');
  }
  const denied = authorize(ctx.actor, command, state);
  if (denied) throw new DeskError(denied.code, denied.message);
  if (command.type === 'advance_timers') return advanceTimers(state, now, policy);
  return withPauseTransitions(state, rules(state, command, ctx, policy), now);
}

function rules(
  state: OrderState,
  command: Exclude<EscrowCommand, { type: 'create_order' | 'advance_timers' }>,
  ctx: DecideContext,
  policy: EscrowPolicy,
): EscrowEvent[] {
  const now = ctx.now;
  switch (command.type) {
    case 'confirm_payment':
      return confirmPayment(state, command, now, policy);
    case 'ship':
      return ship(state, command, now, policy);
    case 'annotate_order':
      // A note in any state: sellers mark finished and refunded orders too. It moves no money.
      return [{ type: 'order_annotated', at: now, note: command.note, flag: command.flag }];
    case 'confirm_receipt':
      return confirmReceipt(state, now);
    case 'extend_receipt':
      return extendReceipt(state, now, policy);
    case 'request_refund':
      return requestRefund(state, command, now, policy);
    case 'agree_refund':
      return agreeRefund(state, command.refundId, now, policy, false);
    case 'refuse_refund':
      return refuseRefund(state, command, now, policy);
    case 'ship_return':
      return shipReturn(state, command, now, policy);
    case 'confirm_return':
      return confirmReturn(state, command.refundId, now, false);
    case 'cancel_refund':
      return cancelRefund(state, command.refundId, now);
    case 'escalate_refund':
      return escalateRefund(state, command.refundId, now);
    case 'resolve_escalation':
      return resolveEscalation(state, command, now);
    case 'file_claim':
      return fileClaim(state, command, now, policy);
    case 'request_seller_evidence':
      return requestSellerEvidence(state, command.claimId, now, policy);
    case 'submit_seller_evidence':
      return submitSellerEvidence(state, command, now);
    case 'decide_claim':
      return decideClaim(state, command, ctx.actor, now, policy, ctx.exposure);
    case 'second_approval':
      return secondApproval(state, command, ctx.actor, now);
    case 'provide_claim_info':
      return provideClaimInfo(state, command, now);
  }
}
