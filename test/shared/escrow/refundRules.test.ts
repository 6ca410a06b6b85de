import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { feeFen } from '../../../shared/money.ts';
import { DAY_MS, HOUR_MS } from '../../../shared/time.ts';
import {
  AMOUNT_FEN,
  FEE_BPS,
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
  types,
} from './harness.ts';

const R = 'r-1';
const request = (
  kind: 'refund_only' | 'return_and_refund',
  amountFen: number,
  refundId = R,
): EscrowCommand => ({
  type: 'request_refund',
  orderId: ORDER_ID,
  refundId,
  kind,
  amountFen,
  reason: 'not as described',
});
const cmd = <T extends EscrowCommand['type']>(
  type: T,
  extra: Record<string, unknown> = {},
): EscrowCommand =>
  ({ type, orderId: ORDER_ID, refundId: R, ...extra }) as unknown as EscrowCommand;
const refuse = cmd('refuse_refund', { reason: 'item was fine' });
const shipBack = cmd('ship_return', { carrier: 'EMS', trackingNo: 'EMS99887766' });

const AT = SHIPPED_AT + HOUR_MS;
const refundOf = (s: OrderState) => s.refunds.find((r) => r.refundId === R);

test('before shipment only a full refund-only request is accepted, answered within 24 h', () => {
  const s = paid();
  assert.equal(
    rejection(s, request('refund_only', AMOUNT_FEN - 1), buyer, PAID_AT + 1),
    'partial_refund_requires_shipment',
  );
  assert.equal(
    rejection(s, request('return_and_refund', AMOUNT_FEN), buyer, PAID_AT + 1),
    'partial_refund_requires_shipment',
  );
  const r = ok(s, request('refund_only', AMOUNT_FEN), buyer, PAID_AT + 1);
  assert.equal(refundOf(r)?.status, 'requested');
  assert.equal(refundOf(r)?.dueAt, PAID_AT + 1 + DEFAULT_POLICY.refundAutoApproveUnshippedMs);
});

test('after shipment the seller has 36 h to answer and partial amounts are allowed', () => {
  const r = ok(shipped(), request('return_and_refund', 500), buyer, AT);
  assert.equal(refundOf(r)?.dueAt, AT + DEFAULT_POLICY.refundAutoApproveShippedMs);
});

test('a refund cannot exceed what is held, nor repeat an id, nor run beside another', () => {
  const s = shipped();
  assert.equal(rejection(s, request('refund_only', AMOUNT_FEN + 1), buyer, AT), 'invalid_amount');
  const r = ok(s, request('refund_only', 100), buyer, AT);
  assert.equal(rejection(r, request('refund_only', 100), buyer, AT + 1), 'refund_exists');
  assert.equal(rejection(r, request('refund_only', 100, 'r-2'), buyer, AT + 1), 'refund_open');
});

test('refunds are refused on unpaid and finished orders', () => {
  const done = ok(shipped(), { type: 'confirm_receipt', orderId: ORDER_ID }, buyer, AT);
  assert.equal(rejection(done, request('refund_only', 100), buyer, AT + 1), 'invalid_state');
});

test('agreeing to a full refund-only request refunds the whole hold', () => {
  const r = ok(paid(), request('refund_only', AMOUNT_FEN), buyer, PAID_AT + 1);
  const a = step(r, cmd('agree_refund'), seller, PAID_AT + 2);
  assert.deepEqual(types(a.events), ['refund_completed', 'escrow_resolved']);
  assert.equal(a.state.status, 'refunded');
  assert.equal(a.state.refundedFen, AMOUNT_FEN);
  assert.equal(a.state.heldFen, 0);
  assert.equal(refundOf(a.state)?.status, 'refunded');
});

test('a partial refund splits the hold and charges the fee only on the seller part', () => {
  const refundFen = 30_000;
  const r = ok(shipped(), request('refund_only', refundFen), buyer, AT);
  const a = step(r, cmd('agree_refund'), seller, AT + 1);
  const resolved = a.events.find((e) => e.type === 'escrow_resolved');
  const rest = AMOUNT_FEN - refundFen;
  assert.deepEqual(resolved, {
    type: 'escrow_resolved',
    at: AT + 1,
    resolution: 'split',
    toBuyerFen: refundFen,
    toMerchantFen: rest - feeFen(rest, FEE_BPS),
    feeFen: feeFen(rest, FEE_BPS),
    cause: 'refund',
    refundId: R,
  });
  assert.equal(a.state.status, 'partially_refunded');
  assert.equal(a.state.refundedFen + a.state.releasedFen + a.state.feeFen, AMOUNT_FEN);
});

test('return and refund: agree, ship back within 7 days, seller confirms, money returns', () => {
  const r = ok(shipped(), request('return_and_refund', AMOUNT_FEN), buyer, AT);
  const a = ok(r, cmd('agree_refund'), seller, AT + 1);
  assert.equal(refundOf(a)?.status, 'awaiting_return');
  assert.equal(refundOf(a)?.dueAt, AT + 1 + DEFAULT_POLICY.returnShipWindowMs);
  assert.equal(rejection(a, cmd('confirm_return'), seller, AT + 2), 'invalid_state');
  const late = (refundOf(a)?.dueAt ?? 0) + 0;
  assert.equal(rejection(a, shipBack, buyer, late), 'invalid_state');
  const b = ok(a, shipBack, buyer, late - 1);
  assert.equal(refundOf(b)?.status, 'awaiting_seller_confirm');
  assert.equal(refundOf(b)?.dueAt, late - 1 + DEFAULT_POLICY.returnConfirmWindowMs);
  assert.equal(refundOf(b)?.returnShipment?.trackingNo, 'EMS99887766');
  const c = step(b, cmd('confirm_return'), seller, late);
  assert.deepEqual(types(c.events), ['refund_completed', 'escrow_resolved']);
  assert.equal(c.state.status, 'refunded');
});

test('refusal opens a 5-day escalation window; escalation goes to an agent', () => {
  const r = ok(shipped(), request('refund_only', 100), buyer, AT);
  const f = ok(r, refuse, seller, AT + 1);
  assert.equal(refundOf(f)?.status, 'refused');
  assert.equal(refundOf(f)?.dueAt, AT + 1 + DEFAULT_POLICY.escalationWindowMs);
  assert.equal(rejection(f, cmd('escalate_refund'), buyer, AT + 1 + 5 * DAY_MS), 'invalid_state');
  const e = ok(f, cmd('escalate_refund'), buyer, AT + 1 + 5 * DAY_MS - 1);
  assert.equal(refundOf(e)?.status, 'escalated');
  assert.equal(refundOf(e)?.dueAt, null);
});

test('the seller cannot refuse once the answer window has passed', () => {
  const r = ok(shipped(), request('refund_only', 100), buyer, AT);
  assert.equal(
    rejection(r, refuse, seller, AT + DEFAULT_POLICY.refundAutoApproveShippedMs),
    'invalid_state',
  );
});

test('the seller may refuse returned goods; the buyer can escalate that too', () => {
  let s = ok(shipped(), request('return_and_refund', 100), buyer, AT);
  s = ok(s, cmd('agree_refund'), seller, AT + 1);
  s = ok(s, shipBack, buyer, AT + 2);
  s = ok(s, refuse, seller, AT + 3);
  assert.equal(refundOf(s)?.status, 'refused');
  s = ok(s, cmd('escalate_refund'), buyer, AT + 4);
  assert.equal(refundOf(s)?.status, 'escalated');
});

test('an agent resolves an escalation with a refund of at most the requested amount', () => {
  let s = ok(shipped(), request('refund_only', 40_000), buyer, AT);
  s = ok(s, refuse, seller, AT + 1);
  s = ok(s, cmd('escalate_refund'), buyer, AT + 2);
  const over = cmd('resolve_escalation', { outcome: 'refund', amountFen: 40_001, note: '' });
  assert.equal(rejection(s, over, agent, AT + 3), 'invalid_amount');
  const partial = step(
    s,
    cmd('resolve_escalation', { outcome: 'refund', amountFen: 10_000, note: 'half' }),
    agent,
    AT + 3,
  );
  const resolved = partial.events.find((e) => e.type === 'escrow_resolved');
  assert.equal(resolved?.type === 'escrow_resolved' && resolved.toBuyerFen, 10_000);
  assert.equal(partial.state.refundedFen, 10_000);
  const full = ok(s, cmd('resolve_escalation', { outcome: 'refund', note: '' }), agent, AT + 3);
  assert.equal(full.refundedFen, 40_000);
});

test('an agent may close an escalation without money moving', () => {
  let s = ok(shipped(), request('refund_only', 100), buyer, AT);
  s = ok(s, refuse, seller, AT + 1);
  s = ok(s, cmd('escalate_refund'), buyer, AT + 2);
  const c = step(
    s,
    cmd('resolve_escalation', { outcome: 'close', note: 'photos show no damage' }),
    agent,
    AT + 3,
  );
  assert.ok(c.events.some((e) => e.type === 'refund_closed' && e.why === 'platform_decided'));
  assert.equal(refundOf(c.state)?.status, 'closed');
  assert.equal(c.state.heldFen, AMOUNT_FEN);
  assert.equal(c.state.status, 'shipped');
});

test('the buyer may cancel while requested, refused or awaiting return, not later', () => {
  const base = ok(shipped(), request('return_and_refund', 100), buyer, AT);
  assert.equal(refundOf(ok(base, cmd('cancel_refund'), buyer, AT + 1))?.status, 'cancelled');
  const refused = ok(base, refuse, seller, AT + 1);
  assert.equal(refundOf(ok(refused, cmd('cancel_refund'), buyer, AT + 2))?.status, 'cancelled');
  const agreed = ok(base, cmd('agree_refund'), seller, AT + 1);
  assert.equal(refundOf(ok(agreed, cmd('cancel_refund'), buyer, AT + 2))?.status, 'cancelled');
  const returned = ok(agreed, shipBack, buyer, AT + 2);
  assert.equal(rejection(returned, cmd('cancel_refund'), buyer, AT + 3), 'invalid_state');
});

test('commands on an unknown refund say so', () => {
  assert.equal(rejection(shipped(), cmd('agree_refund'), seller, AT), 'refund_not_found');
});

test('after a cancelled refund a new one may be requested', () => {
  let s = ok(shipped(), request('refund_only', 100), buyer, AT);
  s = ok(s, cmd('cancel_refund'), buyer, AT + 1);
  s = ok(s, request('refund_only', 200, 'r-2'), buyer, AT + 2);
  assert.equal(s.refunds.length, 2);
});
