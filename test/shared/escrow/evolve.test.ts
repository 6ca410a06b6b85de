import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../shared/escrow/decide.ts';
import { applyEvents, evolve } from '../../../shared/escrow/evolve.ts';
import type { EscrowEvent, OrderState } from '../../../shared/escrow/types.ts';
import { DeskError } from '../../../shared/errors.ts';
import { DAY_MS } from '../../../shared/time.ts';
import {
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  buyer,
  createCommand,
  paid,
  seller,
  step,
  T0,
} from './harness.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof DeskError ? e.code : 'other';
  }
  return 'none';
};

test('replaying every event from nothing rebuilds the same state', () => {
  const log: EscrowEvent[] = [];
  const cur: { s: OrderState | null } = { s: null };
  const run = (r: ReturnType<typeof step>) => {
    log.push(...r.events);
    cur.s = r.state;
  };
  run(step(null, createCommand(), buyer, T0));
  run(
    step(
      cur.s,
      {
        type: 'confirm_payment',
        orderId: ORDER_ID,
        bank: 'icbc',
        bankRef: 'b',
        currency: 'CNY',
        amountFen: 100_000,
      },
      { role: 'bank', userId: 'bank:icbc' },
      PAID_AT,
    ),
  );
  run(
    step(
      cur.s,
      { type: 'ship', orderId: ORDER_ID, carrier: 'SF', trackingNo: 'SF00001' },
      seller,
      SHIPPED_AT,
    ),
  );
  run(
    step(
      cur.s,
      {
        type: 'request_refund',
        orderId: ORDER_ID,
        refundId: 'r-1',
        kind: 'refund_only',
        amountFen: 10,
        reason: 'x',
      },
      buyer,
      SHIPPED_AT + DAY_MS,
    ),
  );
  run(
    step(
      cur.s,
      { type: 'cancel_refund', orderId: ORDER_ID, refundId: 'r-1' },
      buyer,
      SHIPPED_AT + 2 * DAY_MS,
    ),
  );
  const replayed = applyEvents(null, log);
  assert.deepEqual(replayed, cur.s);
  assert.equal(replayed.version, log.length);
});

test('evolve never changes the state it is given', () => {
  const before = paid();
  const copy = structuredClone(before);
  const d = decide(
    before,
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: 100_000,
      reason: 'x',
    },
    { now: PAID_AT + 1, actor: buyer },
  );
  assert.ok(d.ok);
  const after = applyEvents(before, d.events);
  assert.deepEqual(before, copy);
  assert.notDeepEqual(after, before);
  assert.equal(after.version, before.version + d.events.length);
});

test('a corrupt stream is refused instead of guessed at', () => {
  assert.equal(
    codeOf(() => evolve(null, { type: 'order_closed_unpaid', at: 1 })),
    'order_not_found',
  );
  const s = paid();
  assert.equal(
    codeOf(() => evolve(s, { type: 'refund_cancelled', at: 1, refundId: 'nope' })),
    'refund_not_found',
  );
  assert.equal(
    codeOf(() =>
      evolve(s, { type: 'claim_under_review', at: 1, claimId: 'nope', why: 'info_provided' }),
    ),
    'claim_not_found',
  );
  assert.equal(
    codeOf(() => applyEvents(null, [])),
    'order_not_found',
  );
  const again = decide(null, createCommand(), { now: T0, actor: buyer });
  assert.ok(again.ok);
  assert.equal(
    codeOf(() => applyEvents(s, again.events)),
    'order_exists',
  );
});
