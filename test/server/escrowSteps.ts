// Steps of the escrow story over HTTP, shared by the server tests.
import assert from 'node:assert/strict';
import { signNotification } from '../../server/bank/notificationSignature.ts';
import type { BankKey } from '../../server/bank/bankKeys.ts';
import { ICBC_KEY } from './testServer.ts';
import type { HttpResult, PersonName, TestServer } from './testServer.ts';
import { recipientFor } from '../fixtures/testRecipient.ts';

let seq = 0;

export async function createOrder(
  t: TestServer,
  opts: { amountFen?: number; buyer?: PersonName; merchantId?: string; goodsKind?: string } = {},
): Promise<string> {
  const r = await t.post(
    '/v1/orders',
    {
      merchantId: opts.merchantId ?? 'm1',
      currency: 'CNY',
      amountFen: opts.amountFen ?? 10_000,
      goodsKind: opts.goodsKind ?? 'express',
      ...recipientFor(opts.goodsKind),
      item: { title: '龙井茶 250g', quantity: 1 },
    },
    opts.buyer ?? 'buyer1',
  );
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.order.orderId as string;
}

export function bankNotification(
  t: TestServer,
  n: { orderId: string; amountFen: number; notificationId?: string; bankRef?: string },
  opts: { key?: BankKey; atMs?: number; bank?: 'icbc' | 'ccb' } = {},
): Promise<HttpResult> {
  const body = JSON.stringify({
    notificationId: n.notificationId ?? `n-${++seq}`,
    bank: opts.bank ?? 'icbc',
    orderId: n.orderId,
    bankRef: n.bankRef ?? `ICBC-${seq}`,
    currency: 'CNY',
    amountFen: n.amountFen,
  });
  return signedPost(t, body, opts);
}

export function signedPost(
  t: TestServer,
  rawBody: string,
  opts: { key?: BankKey; atMs?: number } = {},
): Promise<HttpResult> {
  const sig = signNotification(opts.key ?? ICBC_KEY, rawBody, opts.atMs ?? t.clock.now());
  return t.postRaw('/v1/bank/notifications', rawBody, {
    'content-type': 'application/json',
    'x-bank-signature': sig,
  });
}

export async function paidOrder(
  t: TestServer,
  opts: { amountFen?: number; buyer?: PersonName; merchantId?: string } = {},
): Promise<string> {
  const orderId = await createOrder(t, opts);
  const r = await bankNotification(t, { orderId, amountFen: opts.amountFen ?? 10_000 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return orderId;
}

export async function shippedOrder(
  t: TestServer,
  opts: { amountFen?: number; buyer?: PersonName } = {},
): Promise<string> {
  const orderId = await paidOrder(t, opts);
  const r = await t.post(
    `/v1/orders/${orderId}/ship`,
    { carrier: 'SF Express', trackingNo: `SF${1000000 + ++seq}` },
    'staff1',
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return orderId;
}

export async function completedOrder(
  t: TestServer,
  opts: { amountFen?: number; buyer?: PersonName } = {},
): Promise<string> {
  const orderId = await shippedOrder(t, opts);
  const r = await t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, opts.buyer ?? 'buyer1');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return orderId;
}

/** Balance on the account's normal side, as the server reports it to agents. */
export async function balance(t: TestServer, accountName: string): Promise<number> {
  const r = await t.get('/v1/ledger/balances', 'agent1');
  assert.equal(r.status, 200);
  const row = (r.body.balances as { account: string; balanceFen: number }[]).find(
    (b) => b.account === accountName,
  );
  return row?.balanceFen ?? 0;
}

export async function assertLedgerOk(t: TestServer): Promise<number> {
  const r = await t.get('/v1/ledger/verify', 'agent1');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.problems, []);
  assert.equal(r.body.ok, true);
  return r.body.transactions as number;
}
