import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import { feeFen } from '../../../shared/money.ts';
import { DAY_MS } from '../../../shared/time.ts';
import {
  AMOUNT_FEN,
  FEE_BPS,
  ORDER_ID,
  PAID_AT,
  SHIPPED_AT,
  T0,
  bank,
  buyer,
  createCommand,
  created,
  ok,
  paid,
  rejection,
  seller,
  shipped,
  step,
  types,
} from './harness.ts';

const pay = (over = {}) => ({
  type: 'confirm_payment' as const,
  orderId: ORDER_ID,
  bank: 'icbc',
  bankRef: 'ref-1',
  currency: 'CNY' as const,
  amountFen: AMOUNT_FEN,
  ...over,
});
const shipCmd = {
  type: 'ship',
  orderId: ORDER_ID,
  carrier: 'SF',
  trackingNo: 'SF1234567',
} as const;
const receipt = { type: 'confirm_receipt', orderId: ORDER_ID } as const;
const extend = { type: 'extend_receipt', orderId: ORDER_ID } as const;

test('a new order awaits payment until the unpaid-close deadline', () => {
  const s = created();
  assert.equal(s.status, 'awaiting_payment');
  assert.equal(s.payDeadlineAt, T0 + DEFAULT_POLICY.unpaidCloseMs);
  assert.equal(s.heldFen, 0);
  assert.equal(s.version, 1);
});

test('an order id can be created only once', () => {
  assert.equal(rejection(created(), createCommand(), buyer, T0 + 1), 'order_exists');
});

test('commands other than create need an existing order', () => {
  assert.equal(rejection(null, pay(), bank, T0), 'order_not_found');
});

test('payment must match the order exactly and moves it to funds held', () => {
  const s = created();
  assert.equal(rejection(s, pay({ amountFen: AMOUNT_FEN - 1 }), bank, T0 + 1), 'amount_mismatch');
  assert.equal(rejection(s, pay({ currency: 'USD' }), bank, T0 + 1), 'invalid_input');
  const p = step(s, pay(), bank, T0 + 5);
  assert.deepEqual(types(p.events), ['payment_confirmed']);
  assert.equal(p.state.status, 'funds_held');
  assert.equal(p.state.heldFen, AMOUNT_FEN);
  assert.equal(p.state.paidAt, T0 + 5);
  assert.equal(p.state.shipByAt, T0 + 5 + DEFAULT_POLICY.shipByMs);
  assert.equal(p.state.version, 2);
});

test('a second payment confirmation for a paid order is refused', () => {
  assert.equal(rejection(paid(), pay(), bank, PAID_AT + 1), 'invalid_state');
});

test('shipping needs held funds and sets auto-confirm by goods kind', () => {
  assert.equal(rejection(created(), shipCmd, seller, T0 + 1), 'invalid_state');
  for (const goodsKind of ['express', 'surface', 'virtual'] as const) {
    const s = ok(paid({ goodsKind }), shipCmd, seller, SHIPPED_AT);
    assert.equal(s.status, 'shipped');
    assert.equal(s.autoConfirmAt, SHIPPED_AT + DEFAULT_POLICY.autoConfirmMs[goodsKind]);
    assert.deepEqual(s.shipment, { carrier: 'SF', trackingNo: 'SF1234567', shippedAt: SHIPPED_AT });
  }
  assert.equal(rejection(shipped(), shipCmd, seller, SHIPPED_AT + 1), 'invalid_state');
});

test('a malformed tracking number is refused with its own code', () => {
  assert.equal(
    rejection(paid(), { ...shipCmd, trackingNo: '' }, seller, SHIPPED_AT),
    'invalid_tracking_number',
  );
});

test('shipping is blocked while a refund is open', () => {
  const s = ok(
    paid(),
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'refund_only',
      amountFen: AMOUNT_FEN,
      reason: 'changed my mind',
    },
    buyer,
    PAID_AT + 10,
  );
  assert.equal(rejection(s, shipCmd, seller, PAID_AT + 20), 'refund_open');
});

test('confirming receipt releases the held money to the seller less the fee', () => {
  assert.equal(rejection(paid(), receipt, buyer, SHIPPED_AT), 'invalid_state');
  const r = step(shipped(), receipt, buyer, SHIPPED_AT + DAY_MS);
  const [ev] = r.events;
  assert.equal(ev?.type, 'escrow_resolved');
  const fee = feeFen(AMOUNT_FEN, FEE_BPS);
  assert.deepEqual(ev, {
    type: 'escrow_resolved',
    at: SHIPPED_AT + DAY_MS,
    resolution: 'release',
    toBuyerFen: 0,
    toMerchantFen: AMOUNT_FEN - fee,
    feeFen: fee,
    cause: 'buyer_confirmed',
  });
  assert.equal(r.state.status, 'completed');
  assert.equal(r.state.heldFen, 0);
  assert.equal(r.state.releasedFen + r.state.feeFen, AMOUNT_FEN);
  assert.equal(rejection(r.state, receipt, buyer, SHIPPED_AT + DAY_MS + 1), 'invalid_state');
});

test('receipt cannot be confirmed while a refund is open', () => {
  const s = ok(
    shipped(),
    {
      type: 'request_refund',
      orderId: ORDER_ID,
      refundId: 'r-1',
      kind: 'return_and_refund',
      amountFen: 100,
      reason: 'broken',
    },
    buyer,
    SHIPPED_AT + 10,
  );
  assert.equal(rejection(s, receipt, buyer, SHIPPED_AT + 20), 'refund_open');
});

test('the buyer may extend once, and only within the extension window', () => {
  const s = shipped();
  const autoAt = s.autoConfirmAt ?? 0;
  const windowOpensAt = autoAt - DEFAULT_POLICY.extensionWindowMs;
  assert.equal(rejection(s, extend, buyer, windowOpensAt - 1), 'extension_not_allowed');
  const e = ok(s, extend, buyer, windowOpensAt);
  assert.equal(e.autoConfirmAt, autoAt + DEFAULT_POLICY.extensionMs);
  assert.equal(e.extended, true);
  assert.equal(rejection(e, extend, buyer, windowOpensAt + 1), 'extension_used');
  assert.equal(rejection(s, extend, buyer, autoAt), 'extension_not_allowed');
  assert.equal(rejection(paid(), extend, buyer, PAID_AT + 1), 'invalid_state');
});

test('create_order rejects malformed fields with stable codes', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ amountFen: 0 }, 'invalid_amount'],
    [{ amountFen: 1.5 }, 'invalid_amount'],
    [{ amountFen: -100 }, 'invalid_amount'],
    [{ amountFen: 10_000_000_001 }, 'amount_too_large'],
    [{ feeBps: 10_001 }, 'invalid_input'],
    [{ feeBps: 0.5 }, 'invalid_input'],
    [{ orderId: '' }, 'invalid_input'],
    [{ orderId: 'a:b' }, 'invalid_input'],
    [{ merchantId: 'x'.repeat(81) }, 'invalid_input'],
    [{ goodsKind: 'boat' }, 'invalid_input'],
    [{ item: { title: ' ', quantity: 1 } }, 'invalid_input'],
    [{ item: { title: 'ok', quantity: 0 } }, 'invalid_input'],
    [{ item: { title: 'ok', quantity: 2.5 } }, 'invalid_input'],
    [{ item: null }, 'invalid_input'],
    [{ type: 'explode' }, 'invalid_input'],
  ];
  for (const [over, code] of cases) {
    const cmd = { ...createCommand(), ...over } as unknown as ReturnType<typeof createCommand>;
    assert.equal(rejection(null, cmd, buyer, T0), code, JSON.stringify(over));
  }
});

test('a non-integer clock is refused rather than stored', () => {
  assert.equal(rejection(null, createCommand(), buyer, 1.5), 'invalid_input');
});
