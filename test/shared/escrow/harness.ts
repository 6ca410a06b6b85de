import assert from 'node:assert/strict';
import { decide } from '../../../shared/escrow/decide.ts';
import { applyEvents } from '../../../shared/escrow/evolve.ts';
import type { EscrowPolicy } from '../../../shared/escrow/policy.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type {
  Actor,
  EscrowCommand,
  EscrowEvent,
  OrderState,
} from '../../../shared/escrow/types.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { DAY_MS } from '../../../shared/time.ts';
import { TEST_RECIPIENT } from '../../fixtures/testRecipient.ts';

/** Shared scaffolding for the escrow rule tests: one order, its people, and a clock. */

export const T0 = Date.UTC(2026, 0, 1);
export const ORDER_ID = 'o-1';
export const AMOUNT_FEN = 100_000;
export const FEE_BPS = 60;

export const buyer: Actor = { role: 'buyer', userId: 'b-1' };
export const seller: Actor = { role: 'seller_staff', userId: 's-1', merchantId: 'm-1' };
export const bank: Actor = { role: 'bank', userId: 'bank:icbc' };
export const agent: Actor = { role: 'agent', userId: 'a-1' };
export const senior: Actor = { role: 'senior_agent', userId: 'sa-1' };
export const senior2: Actor = { role: 'senior_agent', userId: 'sa-2' };
export const system: Actor = { role: 'system', userId: 'system:timers' };

export const sha = 'a'.repeat(64);
export const evidence = [{ sha256: sha, name: 'photo.jpg', sizeBytes: 1234, mime: 'image/jpeg' }];

export function createCommand(
  over: Partial<Extract<EscrowCommand, { type: 'create_order' }>> = {},
) {
  return {
    type: 'create_order',
    orderId: ORDER_ID,
    merchantId: 'm-1',
    buyerId: 'b-1',
    currency: 'CNY',
    amountFen: AMOUNT_FEN,
    feeBps: FEE_BPS,
    goodsKind: 'express',
    recipient: TEST_RECIPIENT,
    item: { title: 'Tea, 500 g', quantity: 1 },
    ...over,
  } as const satisfies EscrowCommand;
}

/** Applies a command that must succeed; returns the new state and the events. */
export function step(
  state: OrderState | null,
  command: EscrowCommand,
  actor: Actor,
  now: number,
  policy: EscrowPolicy = DEFAULT_POLICY,
): { state: OrderState; events: EscrowEvent[] } {
  const d = decide(state, command, { now, actor }, policy);
  if (!d.ok) assert.fail(`${command.type} rejected: ${d.error.code} ${d.error.message}`);
  const folded = applyEvents(state, d.events);
  assert.deepEqual(d.state, folded, "decide's state is the fold of its events");
  return { state: folded, events: d.events };
}

export function ok(
  state: OrderState | null,
  command: EscrowCommand,
  actor: Actor,
  now: number,
  policy?: EscrowPolicy,
) {
  return step(state, command, actor, now, policy).state;
}

/** The rejection code of a command that must fail. */
export function rejection(
  state: OrderState | null,
  command: EscrowCommand,
  actor: Actor,
  now: number,
  policy: EscrowPolicy = DEFAULT_POLICY,
): ErrorCode {
  const d = decide(state, command, { now, actor }, policy);
  if (d.ok)
    assert.fail(`${command.type} was accepted with ${d.events.map((e) => e.type).join(', ')}`);
  return d.error.code;
}

export function timers(state: OrderState, now: number) {
  return step(state, { type: 'advance_timers', orderId: state.orderId }, system, now);
}

export const created = (over = {}) => ok(null, createCommand(over), buyer, T0);

export const paid = (over = {}) =>
  ok(
    created(over),
    {
      type: 'confirm_payment',
      orderId: ORDER_ID,
      bank: 'icbc',
      bankRef: 'ref-1',
      currency: 'CNY',
      amountFen: AMOUNT_FEN,
    },
    bank,
    T0 + 1000,
  );

export const PAID_AT = T0 + 1000;
export const SHIPPED_AT = T0 + DAY_MS;

export const shipped = (over = {}) =>
  ok(
    paid(over),
    { type: 'ship', orderId: ORDER_ID, carrier: 'SF Express', trackingNo: 'SF1234567' },
    seller,
    SHIPPED_AT,
  );

export const types = (events: EscrowEvent[]) => events.map((e) => e.type);
