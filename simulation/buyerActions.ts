import type { OrderState } from '../shared/escrow/types.ts';
import { OPEN_REFUND_STATUSES } from '../shared/escrow/types.ts';
import { TEST_RECIPIENT } from '../test/fixtures/testRecipient.ts';
import type { Action } from './schedule.ts';
import { command, serverOrders } from './world.ts';
import type { World } from './world.ts';

/** Buyers act through the public HTTP API on what the server shows them. */
export async function createOrder(
  world: World,
  a: Extract<Action, { kind: 'create_order' }>,
): Promise<string> {
  const orderId = `o${String(world.nextOrderNo++).padStart(5, '0')}`;
  const code = await command(
    world,
    `b${a.buyer + 1}`,
    '/v1/orders',
    {
      orderId,
      merchantId: 'm1',
      currency: 'CNY',
      amountFen: a.amountFen,
      goodsKind: a.goods,
      // Physical goods need somewhere to go (the server refuses them without: recipient_required).
      ...(a.goods === 'virtual' ? {} : { recipient: TEST_RECIPIENT }),
      item: { title: 'Tea, 250 g', quantity: 1 },
    },
    a.dup,
  );
  return `${orderId} ${code}`;
}

const openRefund = (s: OrderState) =>
  s.refunds.find((r) => OPEN_REFUND_STATUSES.includes(r.status));

export async function buyerAct(
  world: World,
  a: Extract<Action, { kind: 'buyer_act' }>,
): Promise<string> {
  const orders = await serverOrders(world, "status <> 'awaiting_payment'");
  if (orders.length === 0) return 'no order';
  const s = orders[Math.floor(a.pick * orders.length)] as OrderState;
  const O = `/v1/orders/${s.orderId}`;
  const c = a.choice;
  const open = openRefund(s);
  const n = world.nextOrderNo;
  let url: string;
  let body: unknown = {};
  if (open && c < 0.85) {
    const R = `${O}/refunds/${open.refundId}`;
    if (open.status === 'awaiting_return') {
      url = `${R}/return-shipment`;
      body = { carrier: 'EMS', trackingNo: `EMS${n}R` };
    } else if (open.status === 'refused') url = c < 0.6 ? `${R}/escalate` : `${R}/cancel`;
    else url = `${R}/cancel`;
  } else if (s.status === 'funds_held' && c < 0.5) {
    url = `${O}/refunds`;
    body = {
      refundId: `r-${s.orderId}-${s.version}`,
      kind: 'refund_only',
      amountFen: s.heldFen,
      reason: 'no longer needed',
    };
  } else if (s.status === 'shipped' && c < 0.35) {
    url = `${O}/confirm-receipt`;
  } else if (s.status === 'shipped' && c < 0.45) {
    url = `${O}/extend-receipt`;
  } else if (s.status === 'shipped' && c < 0.75) {
    url = `${O}/refunds`;
    const half = c < 0.6;
    body = {
      refundId: `r-${s.orderId}-${s.version}`,
      kind: half ? 'return_and_refund' : 'refund_only',
      amountFen: half ? Math.max(1, Math.floor(s.heldFen / 2)) : s.heldFen,
      reason: 'damaged',
    };
  } else if (c < 0.95) {
    // Fraud claim, also after completion; sometimes for more than the order (must be refused).
    url = `${O}/claims`;
    body = {
      claimId: `c-${s.orderId}-${s.version}`,
      amountFen: c < 0.93 ? s.amountFen : s.amountFen + 1,
      reason: 'goods never arrived',
      evidence: [],
    };
  } else {
    // Out of turn on purpose: must be rejected with a precise code, never a 500.
    url = `${O}/confirm-receipt`;
  }
  const code = await command(world, s.buyerId, url, body, a.dup);
  return `${s.buyerId} ${url.replace('/v1/orders/', '')} ${code}`;
}
