import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../shared/escrow/decide.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { DAY_MS } from '../../../shared/time.ts';
import {
  AMOUNT_FEN,
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  agent,
  buyer,
  created,
  evidence,
  ok,
  paid,
  rejection,
  senior,
  senior2,
  seller,
  shipped,
  step,
  types,
} from './harness.ts';

const C = 'c-1';
const AT = SHIPPED_AT + 1000;
const file = (amountFen: number, claimId = C): EscrowCommand => ({
  type: 'file_claim',
  orderId: ORDER_ID,
  claimId,
  amountFen,
  reason: 'never received; seller vanished',
  evidence,
});
const decideCmd = (
  decision: 'approve' | 'reject' | 'request_info',
  amountFen?: number,
): EscrowCommand => ({
  type: 'decide_claim',
  orderId: ORDER_ID,
  claimId: C,
  decision,
  ...(amountFen === undefined ? {} : { amountFen }),
  reasonCode: 'fraud_verified',
  note: 'tracking number belongs to another parcel',
});
const second = (approve: boolean, note = 'checked'): EscrowCommand => ({
  type: 'second_approval',
  orderId: ORDER_ID,
  claimId: C,
  approve,
  note,
});
const claimOf = (s: OrderState) => s.claims.find((c) => c.claimId === C);
const completed = () =>
  ok(shipped(), { type: 'confirm_receipt', orderId: ORDER_ID }, buyer, AT - 1);
const SMALL = 1000;
// A low threshold so a 100 000 fen order can exceed it.
const MC = { ...DEFAULT_POLICY, secondApprovalThresholdFen: 5_000 };
const LARGE = MC.secondApprovalThresholdFen + 1;

test('claims need a paid order and close 90 days after payment', () => {
  assert.equal(rejection(created(), file(SMALL), buyer, AT), 'invalid_state');
  const s = paid();
  assert.equal(
    rejection(s, file(SMALL), buyer, PAID_AT + DEFAULT_POLICY.claimWindowMs),
    'claim_window_closed',
  );
  const c = ok(s, file(SMALL), buyer, PAID_AT + DEFAULT_POLICY.claimWindowMs - 1);
  assert.equal(claimOf(c)?.status, 'submitted');
  assert.deepEqual(claimOf(c)?.buyerEvidence, evidence);
});

test('a claim cannot exceed what the buyer has not yet been paid back', () => {
  assert.equal(
    rejection(completed(), file(AMOUNT_FEN + 1), buyer, AT),
    'claim_amount_exceeds_order',
  );
  assert.ok(ok(completed(), file(AMOUNT_FEN), buyer, AT));
});

test('one open claim per order, and claim ids are unique', () => {
  const s = ok(completed(), file(SMALL), buyer, AT);
  assert.equal(rejection(s, file(SMALL), buyer, AT + 1), 'claim_exists');
  assert.equal(rejection(s, file(SMALL, 'c-2'), buyer, AT + 1), 'claim_open');
});

test('seller evidence: requested by an agent, submitted by the seller, then review', () => {
  let s = ok(completed(), file(SMALL), buyer, AT);
  const ev = {
    type: 'submit_seller_evidence',
    orderId: ORDER_ID,
    claimId: C,
    note: 'signed receipt',
    evidence,
  } as const;
  assert.equal(rejection(s, ev, seller, AT + 1), 'invalid_state');
  s = ok(s, { type: 'request_seller_evidence', orderId: ORDER_ID, claimId: C }, agent, AT + 1);
  assert.equal(claimOf(s)?.status, 'awaiting_seller_evidence');
  assert.equal(claimOf(s)?.dueAt, AT + 1 + DEFAULT_POLICY.sellerEvidenceMs);
  assert.equal(rejection(s, ev, seller, AT + 1 + DEFAULT_POLICY.sellerEvidenceMs), 'invalid_state');
  const r = step(s, ev, seller, AT + 2);
  assert.deepEqual(types(r.events), ['seller_evidence_submitted', 'claim_under_review']);
  assert.equal(claimOf(r.state)?.status, 'under_review');
  assert.equal(claimOf(r.state)?.sellerNote, 'signed receipt');
});

test('an agent may reject a claim; nothing is paid', () => {
  const s = ok(ok(completed(), file(SMALL), buyer, AT), decideCmd('reject'), agent, AT + 1);
  assert.equal(claimOf(s)?.status, 'rejected');
  assert.deepEqual(claimOf(s)?.decidedBy, ['a-1']);
  assert.equal(s.compensatedFen, 0);
  assert.equal(rejection(s, decideCmd('approve'), agent, AT + 2), 'invalid_state');
});

test('an agent may ask for information; the buyer answers and review resumes', () => {
  let s = ok(ok(completed(), file(SMALL), buyer, AT), decideCmd('request_info'), agent, AT + 1);
  assert.equal(claimOf(s)?.status, 'info_requested');
  assert.equal(claimOf(s)?.dueAt, AT + 1 + DEFAULT_POLICY.infoRequestMs);
  assert.equal(rejection(s, decideCmd('approve'), agent, AT + 2), 'invalid_state');
  s = ok(
    s,
    { type: 'provide_claim_info', orderId: ORDER_ID, claimId: C, note: 'photo', evidence },
    buyer,
    AT + 2,
  );
  assert.equal(claimOf(s)?.status, 'under_review');
  assert.equal(claimOf(s)?.buyerEvidence.length, 2);
});

test('an approved claim after release is paid once from the guarantee fund', () => {
  const s = ok(completed(), file(SMALL), buyer, AT);
  const r = step(s, decideCmd('approve'), agent, AT + 1);
  assert.deepEqual(types(r.events), ['claim_approved', 'compensation_paid']);
  assert.equal(claimOf(r.state)?.source, 'guarantee_fund');
  assert.equal(claimOf(r.state)?.paidFen, SMALL);
  assert.equal(r.state.compensatedFen, SMALL);
  assert.equal(r.state.status, 'completed');
  assert.equal(rejection(r.state, decideCmd('approve'), agent, AT + 2), 'invalid_state');
});

test('a partial approval pays the granted amount, never more than claimed', () => {
  const s = ok(completed(), file(SMALL), buyer, AT);
  assert.equal(rejection(s, decideCmd('approve', SMALL + 1), agent, AT + 1), 'invalid_amount');
  const r = ok(s, decideCmd('approve', 400), agent, AT + 1);
  assert.equal(r.compensatedFen, 400);
});

test('an approved claim while money is held resolves the escrow and closes an open refund', () => {
  let s = ok(
    shipped(),
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: 50,
      reason: 'x',
    },
    buyer,
    AT,
  );
  s = ok(s, file(SMALL), buyer, AT + 1);
  const r = step(s, decideCmd('approve'), agent, AT + 2);
  assert.deepEqual(types(r.events), ['claim_approved', 'refund_closed', 'escrow_resolved']);
  const resolved = r.events.at(-1);
  assert.ok(
    resolved?.type === 'escrow_resolved' &&
      resolved.cause === 'claim' &&
      resolved.toBuyerFen === SMALL,
  );
  assert.equal(r.state.status, 'partially_refunded');
  assert.equal(r.state.heldFen, 0);
  assert.equal(r.state.compensatedFen, 0);
  assert.equal(r.state.refunds[0]?.status, 'closed');
  assert.equal(claimOf(r.state)?.source, 'escrow');
});

test('a full claim on held money refunds the order', () => {
  const s = ok(paid(), file(AMOUNT_FEN), buyer, PAID_AT + 1);
  const r = step(s, decideCmd('approve', AMOUNT_FEN), senior, PAID_AT + 2, {
    ...DEFAULT_POLICY,
    secondApprovalThresholdFen: AMOUNT_FEN,
  });
  const resolved = r.events.at(-1);
  assert.ok(resolved?.type === 'escrow_resolved' && resolved.resolution === 'refund');
  assert.equal(r.state.status, 'refunded');
  assert.equal(r.state.refundedFen, AMOUNT_FEN);
});

test('compensation above the threshold waits for a different senior agent', () => {
  const s = ok(completed(), file(LARGE), buyer, AT, MC);
  const first = step(s, decideCmd('approve'), senior, AT + 1, MC);
  assert.deepEqual(types(first.events), ['claim_approval_requested']);
  assert.equal(claimOf(first.state)?.status, 'awaiting_second_approval');
  assert.equal(claimOf(first.state)?.pendingApproval?.agentId, 'sa-1');
  assert.equal(first.state.compensatedFen, 0);
  assert.equal(
    rejection(first.state, second(true), senior, AT + 2, MC),
    'second_approver_must_differ',
  );
  assert.equal(rejection(first.state, second(true), agent, AT + 2, MC), 'forbidden');
  // The checker says why, approving or refusing: an empty or blank note is refused.
  for (const approve of [true, false])
    assert.equal(
      rejection(first.state, second(approve, '  '), senior2, AT + 2, MC),
      'note_required',
    );
  const done = step(first.state, second(true), senior2, AT + 2, MC);
  assert.deepEqual(types(done.events), ['claim_approved', 'compensation_paid']);
  assert.deepEqual(claimOf(done.state)?.decidedBy, ['sa-1', 'sa-2']);
  assert.equal(done.state.compensatedFen, LARGE);
  assert.equal(rejection(done.state, second(true), senior2, AT + 3, MC), 'approval_not_pending');
});

test('a refused second approval sends the claim back to review', () => {
  const s = ok(
    ok(completed(), file(LARGE), buyer, AT, MC),
    decideCmd('approve'),
    agent,
    AT + 1,
    MC,
  );
  const back = ok(s, second(false), senior, AT + 2, MC);
  assert.equal(claimOf(back)?.status, 'under_review');
  assert.equal(claimOf(back)?.pendingApproval, null);
  assert.equal(back.compensatedFen, 0);
});

test('approval at exactly the threshold needs no second approver', () => {
  const s = ok(completed(), file(MC.secondApprovalThresholdFen), buyer, AT);
  const r = step(s, decideCmd('approve'), agent, AT + 1, MC);
  assert.deepEqual(types(r.events), ['claim_approved', 'compensation_paid']);
});

test('a second approval on a claim with no pending approval is refused', () => {
  const s = ok(completed(), file(SMALL), buyer, AT);
  assert.equal(rejection(s, second(true), senior, AT + 1), 'approval_not_pending');
});

test('after a partial refund only the rest can be claimed', () => {
  let s = ok(
    shipped(),
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: 30_000,
      reason: 'x',
    },
    buyer,
    AT,
  );
  s = ok(s, { type: 'agree_refund', orderId: ORDER_ID, refundId: 'r-1' }, seller, AT + 1);
  assert.equal(rejection(s, file(70_001), buyer, AT + 2), 'claim_amount_exceeds_order');
  s = ok(s, file(70_000), buyer, AT + 2);
  assert.equal(claimOf(s)?.status, 'submitted');
  assert.ok(AT + 2 < PAID_AT + 90 * DAY_MS);
});

test('claim commands on an unknown claim say so', () => {
  assert.equal(rejection(completed(), decideCmd('reject'), agent, AT), 'claim_not_found');
  assert.equal(
    rejection(
      completed(),
      { type: 'request_seller_evidence', orderId: ORDER_ID, claimId: C },
      agent,
      AT,
    ),
    'claim_not_found',
  );
});

// Maker-checker on cumulative exposure (issue 12): claims split below the threshold.
const MC_SPLIT = {
  ...DEFAULT_POLICY,
  secondApprovalThresholdFen: 5_000,
  buyerWindowThresholdFen: 8_000,
};
const approveClaim = (claimId: string, amountFen: number): EscrowCommand => ({
  type: 'decide_claim',
  orderId: ORDER_ID,
  claimId,
  decision: 'approve',
  amountFen,
  reasonCode: 'fraud_verified',
  note: 'split',
});

test('a follow-up claim needs a senior agent, and the order total counts paid plus this one', () => {
  let s = ok(completed(), file(4_000, 'c-a'), buyer, AT, MC_SPLIT);
  s = ok(s, approveClaim('c-a', 4_000), agent, AT + 1, MC_SPLIT);
  assert.equal(s.claims[0]?.status, 'approved');
  s = ok(s, file(500, 'c-b'), buyer, AT + 2, MC_SPLIT);
  // 4,000 paid + 500 is under the threshold, but a plain agent may not approve a follow-up.
  const byAgent = step(s, approveClaim('c-b', 500), agent, AT + 3, MC_SPLIT);
  assert.deepEqual(types(byAgent.events), ['claim_approval_requested']);
  assert.equal((byAgent.events[0] as { why?: string }).why, 'follow_up_claim');
  // A senior agent may approve it alone while the order total stays under the threshold.
  const bySenior = step(s, approveClaim('c-b', 500), senior, AT + 3, MC_SPLIT);
  assert.ok(types(bySenior.events).includes('claim_approved'));
  // Over the threshold in total: a second approver even for a senior.
  s = ok(s, approveClaim('c-b', 500), senior, AT + 3, MC_SPLIT);
  s = ok(s, file(1_000, 'c-c'), buyer, AT + 4, MC_SPLIT);
  const over = step(s, approveClaim('c-c', 1_000), senior, AT + 5, MC_SPLIT);
  assert.equal((over.events[0] as { why?: string }).why, 'order_exposure');
});

test("the buyer's window exposure from the server's context counts toward its own limit", () => {
  const s = ok(completed(), file(3_000), buyer, AT, MC_SPLIT);
  const cmd = approveClaim(C, 3_000);
  const alone = decide(s, cmd, { now: AT + 1, actor: agent }, MC_SPLIT);
  assert.ok(alone.ok && types(alone.events).includes('claim_approved'));
  const withOthers = decide(
    s,
    cmd,
    { now: AT + 1, actor: agent, exposure: { buyerWindowFen: 5_001 } },
    MC_SPLIT,
  );
  assert.ok(withOthers.ok);
  assert.deepEqual(types(withOthers.events), ['claim_approval_requested']);
  assert.equal((withOthers.events[0] as { why?: string }).why, 'buyer_window');
});
