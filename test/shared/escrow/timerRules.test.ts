import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { DAY_MS, HOUR_MS } from '../../../shared/time.ts';
import {
  AMOUNT_FEN,
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  T0,
  agent,
  buyer,
  created,
  ok,
  paid,
  rejection,
  seller,
  shipped,
  system,
  timers,
  types,
} from './harness.ts';

const P = DEFAULT_POLICY;
const R = 'r-1';
const C = 'c-1';
const refundCmd = (
  kind: 'refund_only' | 'return_and_refund',
  amountFen: number,
): EscrowCommand => ({
  type: 'request_refund',
  orderId: ORDER_ID,
  refundId: R,
  kind,
  amountFen,
  reason: 'broken',
});
const refundOf = (s: OrderState) => s.refunds.find((r) => r.refundId === R);
const claimOf = (s: OrderState) => s.claims.find((c) => c.claimId === C);

/** Asserts the timers do nothing one millisecond before `at` and fire at `at`. */
function firesExactlyAt(s: OrderState, at: number) {
  const early = timers(s, at - 1);
  assert.deepEqual(early.events, [], 'fired early');
  assert.equal(early.state.version, s.version);
  const due = timers(s, at);
  assert.ok(due.events.length > 0, 'did not fire at the deadline');
  const again = timers(due.state, at + 10 * DAY_MS);
  assert.ok(
    !again.events.some((e) =>
      due.events.some((d) => d.type === e.type && e.type !== 'auto_confirm_resumed'),
    ),
    'fired twice',
  );
  return due;
}

test('an unpaid order closes at the pay deadline, moving no money', () => {
  const s = created();
  const due = firesExactlyAt(s, s.payDeadlineAt);
  assert.deepEqual(types(due.events), ['order_closed_unpaid']);
  assert.equal(due.state.status, 'closed_unpaid');
  assert.equal(due.state.heldFen, 0);
});

test('auto-confirm releases the escrow at the auto-confirm time', () => {
  const s = shipped();
  const due = firesExactlyAt(s, s.autoConfirmAt ?? 0);
  assert.deepEqual(types(due.events), ['escrow_resolved']);
  const [ev] = due.events;
  assert.ok(ev?.type === 'escrow_resolved' && ev.cause === 'auto_confirmed');
  assert.equal(due.state.status, 'completed');
});

test('nothing fires for a funds-held order: ship-by is only advisory', () => {
  const s = paid();
  assert.deepEqual(timers(s, PAID_AT + 60 * DAY_MS).events, []);
});

test('a silent seller of an unshipped order auto-approves the refund after 24 h', () => {
  const s = ok(paid(), refundCmd('refund_only', AMOUNT_FEN), buyer, PAID_AT + 1);
  const due = firesExactlyAt(s, PAID_AT + 1 + P.refundAutoApproveUnshippedMs);
  assert.deepEqual(types(due.events), ['refund_completed', 'escrow_resolved']);
  assert.equal(due.state.status, 'refunded');
});

test('a silent seller of a shipped order auto-approves after 36 h; a return then awaits the buyer', () => {
  const s = ok(shipped(), refundCmd('return_and_refund', 100), buyer, SHIPPED_AT + 1);
  const due = firesExactlyAt(s, SHIPPED_AT + 1 + P.refundAutoApproveShippedMs);
  assert.deepEqual(types(due.events), ['refund_agreed']);
  assert.equal(refundOf(due.state)?.status, 'awaiting_return');
});

test('a return not shipped within 7 days closes the refund and resumes auto-confirm', () => {
  let s = ok(shipped(), refundCmd('return_and_refund', 100), buyer, SHIPPED_AT + 1);
  s = ok(s, { type: 'agree_refund', orderId: ORDER_ID, refundId: R }, seller, SHIPPED_AT + 2);
  const due = firesExactlyAt(s, SHIPPED_AT + 2 + P.returnShipWindowMs);
  assert.deepEqual(types(due.events), ['refund_closed', 'auto_confirm_resumed']);
  assert.equal(refundOf(due.state)?.status, 'closed');
  assert.equal(due.state.heldFen, AMOUNT_FEN);
});

test('a seller silent 5 days after the return shipped completes the refund', () => {
  let s = ok(shipped(), refundCmd('return_and_refund', 100), buyer, SHIPPED_AT + 1);
  s = ok(s, { type: 'agree_refund', orderId: ORDER_ID, refundId: R }, seller, SHIPPED_AT + 2);
  s = ok(
    s,
    { type: 'ship_return', orderId: ORDER_ID, refundId: R, carrier: 'EMS', trackingNo: 'EMS12345' },
    buyer,
    SHIPPED_AT + 3,
  );
  const due = firesExactlyAt(s, SHIPPED_AT + 3 + P.returnConfirmWindowMs);
  assert.deepEqual(types(due.events), ['refund_completed', 'escrow_resolved']);
  assert.equal(due.state.status, 'partially_refunded');
});

test('a refusal not escalated within 5 days closes the refund', () => {
  let s = ok(shipped(), refundCmd('refund_only', 100), buyer, SHIPPED_AT + 1);
  s = ok(
    s,
    { type: 'refuse_refund', orderId: ORDER_ID, refundId: R, reason: 'no' },
    seller,
    SHIPPED_AT + 2,
  );
  const due = firesExactlyAt(s, SHIPPED_AT + 2 + P.escalationWindowMs);
  assert.ok(due.events.some((e) => e.type === 'refund_closed' && e.why === 'not_escalated'));
});

test('an escalated refund waits for an agent: no timer', () => {
  let s = ok(shipped(), refundCmd('refund_only', 100), buyer, SHIPPED_AT + 1);
  s = ok(
    s,
    { type: 'refuse_refund', orderId: ORDER_ID, refundId: R, reason: 'no' },
    seller,
    SHIPPED_AT + 2,
  );
  s = ok(s, { type: 'escalate_refund', orderId: ORDER_ID, refundId: R }, buyer, SHIPPED_AT + 3);
  assert.deepEqual(timers(s, SHIPPED_AT + 365 * DAY_MS).events, []);
});

test('seller evidence overdue after 3 days puts the claim under review', () => {
  let s = ok(
    shipped(),
    {
      type: 'file_claim',
      orderId: ORDER_ID,
      claimId: C,
      amountFen: 100,
      reason: 'fake',
      evidence: [],
    },
    buyer,
    SHIPPED_AT + 1,
  );
  s = ok(
    s,
    { type: 'request_seller_evidence', orderId: ORDER_ID, claimId: C },
    agent,
    SHIPPED_AT + 2,
  );
  const due = firesExactlyAt(s, SHIPPED_AT + 2 + P.sellerEvidenceMs);
  assert.ok(
    due.events.some((e) => e.type === 'claim_under_review' && e.why === 'evidence_overdue'),
  );
  assert.equal(claimOf(due.state)?.status, 'under_review');
});

test('requested information overdue puts the claim back under review', () => {
  let s = ok(
    shipped(),
    {
      type: 'file_claim',
      orderId: ORDER_ID,
      claimId: C,
      amountFen: 100,
      reason: 'fake',
      evidence: [],
    },
    buyer,
    SHIPPED_AT + 1,
  );
  s = ok(
    s,
    {
      type: 'decide_claim',
      orderId: ORDER_ID,
      claimId: C,
      decision: 'request_info',
      reasonCode: 'need_photos',
      note: '',
    },
    agent,
    SHIPPED_AT + 2,
  );
  const due = firesExactlyAt(s, SHIPPED_AT + 2 + P.infoRequestMs);
  assert.ok(due.events.some((e) => e.type === 'claim_under_review' && e.why === 'info_overdue'));
});

test('several due timers fire in one advance, earliest first, against fresh state', () => {
  // A refund that times out and an auto-confirm that becomes due right after the resume.
  let s = ok(shipped(), refundCmd('return_and_refund', 100), buyer, SHIPPED_AT + 1);
  s = ok(s, { type: 'agree_refund', orderId: ORDER_ID, refundId: R }, seller, SHIPPED_AT + 2);
  const far = SHIPPED_AT + 400 * DAY_MS;
  const r = timers(s, far);
  assert.deepEqual(types(r.events), ['refund_closed', 'auto_confirm_resumed']);
  // Paused time counted up to `far`, so auto-confirm lies after `far`: nothing more fires.
  assert.ok((r.state.autoConfirmAt ?? 0) > far);
  const later = timers(r.state, r.state.autoConfirmAt ?? 0);
  assert.equal(later.state.status, 'completed');
});

test('only the system may run timers', () => {
  assert.equal(
    rejection(created(), { type: 'advance_timers', orderId: ORDER_ID }, buyer, T0 + HOUR_MS),
    'forbidden',
  );
  assert.equal(
    ok(created(), { type: 'advance_timers', orderId: ORDER_ID }, system, T0 + 1).version,
    1,
  );
});
