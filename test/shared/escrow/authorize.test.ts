import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedCommands } from '../../../shared/escrow/allowedCommands.ts';
import { authorize } from '../../../shared/escrow/authorize.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { Actor, EscrowCommand } from '../../../shared/escrow/types.ts';
import {
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  agent,
  bank,
  buyer,
  createCommand,
  created,
  ok,
  paid,
  rejection,
  senior,
  seller,
  shipped,
  system,
} from './harness.ts';

const otherBuyer: Actor = { role: 'buyer', userId: 'b-2' };
const otherSeller: Actor = { role: 'seller_admin', userId: 's-9', merchantId: 'm-9' };
const sellerNoMerchant: Actor = { role: 'seller_staff', userId: 's-2' };
const shipCmd: EscrowCommand = {
  type: 'ship',
  orderId: ORDER_ID,
  carrier: 'SF',
  trackingNo: 'SF12345',
};
const receipt: EscrowCommand = { type: 'confirm_receipt', orderId: ORDER_ID };

test('buyers create orders only for themselves', () => {
  assert.equal(authorize(buyer, createCommand(), null), null);
  assert.equal(authorize(otherBuyer, createCommand(), null)?.code, 'forbidden');
  assert.equal(rejection(null, createCommand(), otherBuyer, 0), 'forbidden');
  assert.equal(rejection(null, createCommand(), seller, 0), 'forbidden');
});

test('buyers act only on their own orders', () => {
  const s = shipped();
  assert.equal(authorize(buyer, receipt, s), null);
  assert.equal(authorize(otherBuyer, receipt, s)?.code, 'forbidden');
  assert.equal(authorize(buyer, receipt, null)?.code, 'forbidden');
  assert.equal(authorize(buyer, shipCmd, s)?.code, 'forbidden');
});

test("sellers act only on their merchant's orders", () => {
  const s = paid();
  assert.equal(authorize(seller, shipCmd, s), null);
  assert.equal(authorize(otherSeller, shipCmd, s)?.code, 'forbidden');
  assert.equal(authorize(sellerNoMerchant, shipCmd, s)?.code, 'forbidden');
  assert.equal(rejection(s, shipCmd, otherSeller, SHIPPED_AT), 'forbidden');
  assert.equal(authorize(seller, receipt, shipped())?.code, 'forbidden');
});

test('only the bank confirms payments and only the system runs timers', () => {
  const pay: EscrowCommand = {
    type: 'confirm_payment',
    orderId: ORDER_ID,
    bank: 'icbc',
    bankRef: 'x',
    currency: 'CNY',
    amountFen: 1,
  };
  const s = created();
  assert.equal(authorize(bank, pay, s), null);
  for (const a of [buyer, seller, agent, senior, system])
    assert.equal(authorize(a, pay, s)?.code, 'forbidden');
  const tick: EscrowCommand = { type: 'advance_timers', orderId: ORDER_ID };
  assert.equal(authorize(system, tick, s), null);
  for (const a of [buyer, seller, agent, senior, bank])
    assert.equal(authorize(a, tick, s)?.code, 'forbidden');
});

test('agents decide claims; only senior agents give second approvals', () => {
  const s = shipped();
  const decideCmd: EscrowCommand = {
    type: 'decide_claim',
    orderId: ORDER_ID,
    claimId: 'c',
    decision: 'reject',
    reasonCode: 'x',
    note: '',
  };
  const secondCmd: EscrowCommand = {
    type: 'second_approval',
    orderId: ORDER_ID,
    claimId: 'c',
    approve: true,
    note: '',
  };
  assert.equal(authorize(agent, decideCmd, s), null);
  assert.equal(authorize(senior, decideCmd, s), null);
  assert.equal(authorize(buyer, decideCmd, s)?.code, 'forbidden');
  assert.equal(authorize(agent, secondCmd, s)?.code, 'forbidden');
  assert.equal(authorize(senior, secondCmd, s), null);
});

test('unknown roles and actors without a user id are forbidden', () => {
  const s = shipped();
  assert.equal(authorize({ role: 'admin' } as unknown as Actor, receipt, s)?.code, 'forbidden');
  assert.equal(authorize({ role: 'buyer', userId: '' }, receipt, s)?.code, 'forbidden');
});

test('allowed commands follow both the role and the state', () => {
  assert.deepEqual(allowedCommands(buyer, null, 0), ['create_order']);
  assert.deepEqual(allowedCommands(bank, created(), PAID_AT), ['confirm_payment']);
  // The seller's note and flag (备注/旗帜) are open in every state of their own orders.
  assert.deepEqual(allowedCommands(seller, paid(), SHIPPED_AT), ['ship', 'annotate_order']);
  assert.deepEqual(allowedCommands(otherSeller, paid(), SHIPPED_AT), []);
  assert.deepEqual(allowedCommands(buyer, paid(), SHIPPED_AT), ['request_refund', 'file_claim']);
  const s = shipped();
  assert.deepEqual(allowedCommands(buyer, s, SHIPPED_AT + 1), [
    'confirm_receipt',
    'request_refund',
    'file_claim',
  ]);
  // Near the end of the receipt time the extension becomes possible.
  assert.ok(allowedCommands(buyer, s, (s.autoConfirmAt ?? 0) - 1).includes('extend_receipt'));
  const refund = ok(
    s,
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: 10,
      reason: 'x',
    },
    buyer,
    SHIPPED_AT + 1,
  );
  assert.deepEqual(allowedCommands(seller, refund, SHIPPED_AT + 2), [
    'annotate_order',
    'agree_refund',
    'refuse_refund',
  ]);
  assert.deepEqual(allowedCommands(buyer, refund, SHIPPED_AT + 2), ['cancel_refund', 'file_claim']);
  assert.deepEqual(allowedCommands(agent, refund, SHIPPED_AT + 2), []);
  assert.deepEqual(allowedCommands(system, refund), ['advance_timers']);
});

test('allowed commands offer a second approval only to a different senior agent', () => {
  const policy = { ...DEFAULT_POLICY, secondApprovalThresholdFen: 10 };
  let s = ok(shipped(), { type: 'confirm_receipt', orderId: ORDER_ID }, buyer, SHIPPED_AT + 1);
  s = ok(
    s,
    {
      type: 'file_claim',
      orderId: ORDER_ID,
      claimId: 'c-1',
      amountFen: 500,
      reason: 'fake',
      evidence: [],
    },
    buyer,
    SHIPPED_AT + 2,
  );
  assert.deepEqual(allowedCommands(agent, s, SHIPPED_AT + 3, policy), [
    'request_seller_evidence',
    'decide_claim',
  ]);
  s = ok(
    s,
    {
      type: 'decide_claim',
      orderId: ORDER_ID,
      claimId: 'c-1',
      decision: 'approve',
      reasonCode: 'fraud',
      note: '',
    },
    senior,
    SHIPPED_AT + 3,
    policy,
  );
  assert.deepEqual(allowedCommands(senior, s, SHIPPED_AT + 4, policy), []);
  assert.deepEqual(
    allowedCommands({ role: 'senior_agent', userId: 'sa-2' }, s, SHIPPED_AT + 4, policy),
    ['second_approval'],
  );
  assert.deepEqual(allowedCommands(agent, s, SHIPPED_AT + 4, policy), []);
});
