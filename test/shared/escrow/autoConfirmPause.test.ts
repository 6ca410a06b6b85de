import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { EscrowCommand } from '../../../shared/escrow/types.ts';
import { DAY_MS, HOUR_MS } from '../../../shared/time.ts';
import {
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  agent,
  buyer,
  ok,
  paid,
  rejection,
  seller,
  shipped,
  step,
  timers,
  types,
} from './harness.ts';

const requestRefund = (refundId = 'r-1'): EscrowCommand => ({
  type: 'request_refund',
  orderId: ORDER_ID,
  refundId,
  kind: 'return_and_refund',
  amountFen: 100,
  reason: 'scratched',
});
const cancel = (refundId = 'r-1'): EscrowCommand => ({
  type: 'cancel_refund',
  orderId: ORDER_ID,
  refundId,
});
const fileClaim: EscrowCommand = {
  type: 'file_claim',
  orderId: ORDER_ID,
  claimId: 'c-1',
  amountFen: 100,
  reason: 'counterfeit',
  evidence: [],
};
const rejectClaim: EscrowCommand = {
  type: 'decide_claim',
  orderId: ORDER_ID,
  claimId: 'c-1',
  decision: 'reject',
  reasonCode: 'no_evidence',
  note: '',
};

test('an open refund pauses auto-confirm and the paused time is added back on resume', () => {
  const s = shipped();
  const autoAt = s.autoConfirmAt ?? 0;
  const pausedAt = SHIPPED_AT + 2 * DAY_MS;
  const p = step(s, requestRefund(), buyer, pausedAt);
  assert.deepEqual(types(p.events), ['refund_requested', 'auto_confirm_paused']);
  assert.equal(p.state.autoConfirmPausedAt, pausedAt);
  // While paused, reaching the old auto-confirm time releases nothing.
  const resumedAt = pausedAt + 4 * HOUR_MS;
  const r = step(p.state, cancel(), buyer, resumedAt);
  assert.deepEqual(types(r.events), ['refund_cancelled', 'auto_confirm_resumed']);
  assert.equal(r.state.autoConfirmAt, autoAt + (resumedAt - pausedAt));
  assert.equal(r.state.autoConfirmPausedAt, null);
});

test('paused auto-confirm never fires, however long the pause', () => {
  const s = shipped();
  const p = ok(s, requestRefund(), buyer, SHIPPED_AT + 1);
  // Keep the refund open past the old auto-confirm time: escalate so no timer closes it.
  let q = ok(
    p,
    { type: 'refuse_refund', orderId: ORDER_ID, refundId: 'r-1', reason: 'no' },
    seller,
    SHIPPED_AT + 2,
  );
  q = ok(q, { type: 'escalate_refund', orderId: ORDER_ID, refundId: 'r-1' }, buyer, SHIPPED_AT + 3);
  const t = timers(q, (s.autoConfirmAt ?? 0) + 100 * DAY_MS);
  assert.deepEqual(t.events, []);
  assert.equal(t.state.status, 'shipped');
});

test('the remaining time before auto-confirm is the same after a pause as before it', () => {
  const s = shipped();
  const pausedAt = SHIPPED_AT + DAY_MS;
  const remainingMs = (s.autoConfirmAt ?? 0) - pausedAt;
  const p = ok(s, requestRefund(), buyer, pausedAt);
  const resumedAt = pausedAt + 9 * DAY_MS;
  const r = ok(p, cancel(), buyer, resumedAt);
  assert.equal((r.autoConfirmAt ?? 0) - resumedAt, remainingMs);
  assert.deepEqual(timers(r, resumedAt + remainingMs - 1).events, []);
  assert.equal(timers(r, resumedAt + remainingMs).state.status, 'completed');
});

test('an open claim on a shipped order pauses auto-confirm; its rejection resumes it', () => {
  const s = shipped();
  const p = step(s, fileClaim, buyer, SHIPPED_AT + 10);
  assert.deepEqual(types(p.events), ['claim_filed', 'auto_confirm_paused']);
  const r = step(p.state, rejectClaim, agent, SHIPPED_AT + 110);
  assert.deepEqual(types(r.events), ['claim_rejected', 'auto_confirm_resumed']);
  assert.equal(r.state.autoConfirmAt, (s.autoConfirmAt ?? 0) + 100);
});

test('a refund and a claim together resume only when the last of them closes', () => {
  const s = shipped();
  let x = ok(s, requestRefund(), buyer, SHIPPED_AT + 10);
  const withClaim = step(x, fileClaim, buyer, SHIPPED_AT + 20);
  assert.deepEqual(types(withClaim.events), ['claim_filed']);
  const afterCancel = step(withClaim.state, cancel(), buyer, SHIPPED_AT + 30);
  assert.deepEqual(types(afterCancel.events), ['refund_cancelled']);
  x = afterCancel.state;
  const r = step(x, rejectClaim, agent, SHIPPED_AT + 50);
  assert.deepEqual(types(r.events), ['claim_rejected', 'auto_confirm_resumed']);
  assert.equal(r.state.autoConfirmAt, (s.autoConfirmAt ?? 0) + 40);
});

test('a claim open before shipment pauses auto-confirm from the moment of shipping', () => {
  const c = ok(paid(), fileClaim, buyer, PAID_AT + 1);
  const sh = step(
    c,
    { type: 'ship', orderId: ORDER_ID, carrier: 'SF', trackingNo: 'SF0001' },
    seller,
    SHIPPED_AT,
  );
  assert.deepEqual(types(sh.events), ['order_shipped', 'auto_confirm_paused']);
  const r = ok(sh.state, rejectClaim, agent, SHIPPED_AT + DAY_MS);
  assert.equal(r.autoConfirmAt, SHIPPED_AT + DEFAULT_POLICY.autoConfirmMs.express + DAY_MS);
});

test('an extension during a pause measures the frozen remaining time', () => {
  const s = shipped();
  const autoAt = s.autoConfirmAt ?? 0;
  // Pause with 4 days left: too early to extend, however long the pause lasts.
  const early = ok(s, requestRefund(), buyer, autoAt - 4 * DAY_MS);
  assert.equal(
    rejection(early, { type: 'extend_receipt', orderId: ORDER_ID }, buyer, autoAt + DAY_MS),
    'extension_not_allowed',
  );
  // Pause with 2 days left: may extend even after the old deadline has passed on the wall clock.
  const late = ok(s, requestRefund(), buyer, autoAt - 2 * DAY_MS);
  const e = ok(late, { type: 'extend_receipt', orderId: ORDER_ID }, buyer, autoAt + DAY_MS);
  assert.equal(e.autoConfirmAt, autoAt + DEFAULT_POLICY.extensionMs);
});
