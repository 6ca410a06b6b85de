import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlines, nextTimerAt } from '../../../shared/escrow/deadlines.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import { HOUR_MS } from '../../../shared/time.ts';
import {
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  T0,
  agent,
  buyer,
  created,
  ok,
  paid,
  shipped,
  timers,
} from './harness.ts';

test('an unpaid order shows its pay-by deadline, which is also the next timer', () => {
  const s = created();
  assert.deepEqual(deadlines(s), [
    { kind: 'pay_by', at: T0 + DEFAULT_POLICY.unpaidCloseMs, moneyMoves: false },
  ]);
  assert.equal(nextTimerAt(s), T0 + DEFAULT_POLICY.unpaidCloseMs);
});

test('ship-by is shown but no timer waits on it', () => {
  const s = paid();
  assert.deepEqual(deadlines(s), [
    { kind: 'ship_by', at: PAID_AT + DEFAULT_POLICY.shipByMs, moneyMoves: false },
  ]);
  assert.equal(nextTimerAt(s), null);
});

test('a shipped order shows auto-confirm as money-moving', () => {
  const s = shipped();
  assert.deepEqual(deadlines(s), [{ kind: 'auto_confirm', at: s.autoConfirmAt, moneyMoves: true }]);
  assert.equal(nextTimerAt(s), s.autoConfirmAt);
});

test('an open refund replaces auto-confirm with the refund answer deadline', () => {
  const at = SHIPPED_AT + HOUR_MS;
  const s = ok(
    shipped(),
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: 5,
      reason: 'x',
    },
    buyer,
    at,
  );
  const due = at + DEFAULT_POLICY.refundAutoApproveShippedMs;
  assert.deepEqual(deadlines(s), [
    { kind: 'refund_answer', at: due, moneyMoves: true, refundId: 'r-1' },
  ]);
  assert.equal(nextTimerAt(s), due);
  // The scheduler's next time is exactly when the timer fires.
  assert.deepEqual(timers(s, due - 1).events, []);
  assert.ok(timers(s, due).events.length > 0);
});

test('a final order has no deadlines', () => {
  const s = created();
  const closed = timers(s, s.payDeadlineAt).state;
  assert.deepEqual(deadlines(closed), []);
  assert.equal(nextTimerAt(closed), null);
});

test('claim deadlines stay live on a completed order and a return request moves no money yet', () => {
  let s = ok(shipped(), { type: 'confirm_receipt', orderId: ORDER_ID }, buyer, SHIPPED_AT + 1);
  s = ok(
    s,
    {
      type: 'file_claim',
      orderId: ORDER_ID,
      claimId: 'c-1',
      amountFen: 5,
      reason: 'x',
      evidence: [],
    },
    buyer,
    SHIPPED_AT + 2,
  );
  s = ok(
    s,
    { type: 'request_seller_evidence', orderId: ORDER_ID, claimId: 'c-1' },
    agent,
    SHIPPED_AT + 3,
  );
  const due = SHIPPED_AT + 3 + DEFAULT_POLICY.sellerEvidenceMs;
  assert.deepEqual(deadlines(s), [
    { kind: 'seller_evidence', at: due, moneyMoves: false, claimId: 'c-1' },
  ]);
  assert.equal(nextTimerAt(s), due);

  const r = ok(
    shipped(),
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'return_and_refund',
      amountFen: 5,
      reason: 'x',
    },
    buyer,
    SHIPPED_AT + 1,
  );
  assert.equal(deadlines(r)[0]?.moneyMoves, false);
});
