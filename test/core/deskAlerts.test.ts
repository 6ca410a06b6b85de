import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsFor, mayAlert } from '../../electron/core/sync/deskAlerts.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { decided } from '../fixtures/decided.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

const buyer: Actor = { role: 'buyer', userId: 'b1' };
const bank: Actor = { role: 'bank', userId: 'bank:icbc' };

test('a seller hears of a payment and of a new refund request once, and of nothing else', () => {
  const created = decided(
    null,
    {
      type: 'create_order',
      orderId: 'o1',
      merchantId: 'm1',
      buyerId: 'b1',
      currency: 'CNY',
      amountFen: 36_545,
      feeBps: 60,
      goodsKind: 'express',
      recipient: TEST_RECIPIENT,
      item: { title: '龙井', quantity: 1 },
    },
    buyer,
    1_000,
  );
  assert.deepEqual(alertsFor(null, created), []);
  const paid = decided(
    created,
    {
      type: 'confirm_payment',
      orderId: 'o1',
      bank: 'icbc',
      bankRef: 'r1',
      currency: 'CNY',
      amountFen: 36_545,
    },
    bank,
    2_000,
  );
  assert.deepEqual(
    alertsFor(created, paid).map((a) => [a.kind, a.amountFen]),
    [['paid_order', 36_545]],
  );
  // Created and paid between two pulls: the desk first sees it paid.
  assert.equal(alertsFor(null, paid)[0]?.kind, 'paid_order');
  // The same state again (a repeated pull) is no news.
  assert.deepEqual(alertsFor(paid, paid), []);
  const refund = decided(
    paid,
    {
      type: 'request_refund',
      orderId: 'o1',
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: 36_545,
      reason: '少发',
    },
    buyer,
    3_000,
  );
  assert.deepEqual(
    alertsFor(paid, refund).map((a) => [a.kind, a.amountFen]),
    [['refund_requested', 36_545]],
  );
  assert.deepEqual(alertsFor(refund, refund), []);

  // The pull's shortcut: every state that alerted above passes it, a shipped one does not.
  for (const s of [paid, refund]) assert.ok(mayAlert(s.status, JSON.stringify(s)), s.status);
  const shipped = decided(
    paid,
    { type: 'ship', orderId: 'o1', carrier: 'sf', trackingNo: 'SF1234567890' },
    { role: 'seller_staff', userId: 's1', merchantId: 'm1' },
    4_000,
  );
  assert.equal(mayAlert(shipped.status, JSON.stringify(shipped)), false);
});
