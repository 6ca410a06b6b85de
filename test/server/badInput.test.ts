import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerOk, createOrder, paidOrder } from './escrowSteps.ts';
import { startTestServer } from './testServer.ts';
import type { HttpResult, TestServer } from './testServer.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

describe('bad input is refused with a stable code and changes nothing', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('badinput', { maxEvidenceBytes: 1024 });
  });
  after(() => t.close());

  /** Runs a request and asserts it was refused with `status`/`code` and nothing was written. */
  async function refused(
    send: () => Promise<HttpResult>,
    status: number,
    code: string,
  ): Promise<void> {
    const before = await snapshot(t);
    const r = await send();
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error.code, code, JSON.stringify(r.body));
    assert.equal(typeof r.body.error.message, 'string');
    assert.deepEqual(await snapshot(t), before, 'nothing was written');
  }

  const order = (amountFen: unknown, extra: Record<string, unknown> = {}) => ({
    merchantId: 'm1',
    currency: 'CNY',
    amountFen,
    goodsKind: 'express',
    recipient: TEST_RECIPIENT,
    item: { title: 'tea', quantity: 1 },
    ...extra,
  });

  it('malformed JSON', async () => {
    const token = await t.token('buyer1');
    await refused(
      () =>
        t.postRaw('/v1/orders', '{"merchantId": "m1",', {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        }),
      400,
      'invalid_input',
    );
  });

  it('negative, zero, float, huge, string and missing amounts', async () => {
    for (const amount of [-1, 0, 12.5, 1e20, 2 ** 53, '100', null])
      await refused(() => t.post('/v1/orders', order(amount), 'buyer1'), 400, 'invalid_amount');
    await refused(
      () => t.post('/v1/orders', { ...order(1), amountFen: undefined }, 'buyer1'),
      400,
      'invalid_amount',
    );
  });

  it('an amount above the platform maximum is amount_too_large', async () => {
    await refused(
      () => t.post('/v1/orders', order(10_000_000_001), 'buyer1'),
      400,
      'amount_too_large',
    );
  });

  it('wrong types, unknown keys and unknown enum values', async () => {
    await refused(
      () => t.post('/v1/orders', order(100, { goodsKind: 'teleport' }), 'buyer1'),
      400,
      'invalid_input',
    );
    await refused(
      () => t.post('/v1/orders', order(100, { feeBps: 0 }), 'buyer1'),
      400,
      'invalid_input',
    );
    await refused(
      () => t.post('/v1/orders', order(100, { currency: 'USD' }), 'buyer1'),
      400,
      'invalid_input',
    );
    await refused(() => t.post('/v1/orders', [1, 2, 3], 'buyer1'), 400, 'invalid_input');
    await refused(() => t.post('/v1/orders', 'just text', 'buyer1'), 400, 'invalid_input');
    const orderId = await paidOrder(t, { amountFen: 2_000 });
    await refused(
      () => t.post(`/v1/orders/${orderId}/ship`, { carrier: 'SF', trackingNo: 12345 }, 'staff1'),
      400,
      'invalid_input',
    );
    await refused(
      () => t.post(`/v1/orders/${orderId}/ship`, { carrier: 'SF', trackingNo: '!' }, 'staff1'),
      400,
      'invalid_tracking_number',
    );
    await refused(
      () => t.post(`/v1/orders/${orderId}/confirm-receipt`, { please: true }, 'buyer1'),
      400,
      'invalid_input',
    );
    await refused(
      () =>
        t.post(
          `/v1/orders/${orderId}/refunds`,
          { kind: 'refund_only', amountFen: -5, reason: 'x' },
          'buyer1',
        ),
      400,
      'invalid_amount',
    );
  });

  it('a refund larger than the escrow is refused', async () => {
    const orderId = await paidOrder(t, { amountFen: 2_000 });
    await refused(
      () =>
        t.post(
          `/v1/orders/${orderId}/refunds`,
          { kind: 'refund_only', amountFen: 2_001, reason: 'x' },
          'buyer1',
        ),
      400,
      'invalid_amount',
    );
  });

  it('oversized JSON bodies and evidence files are 413 payload_too_large', async () => {
    await refused(
      () =>
        t.post(
          '/v1/orders',
          order(100, { item: { title: 'x'.repeat(70_000), quantity: 1 } }),
          'buyer1',
        ),
      413,
      'payload_too_large',
    );
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(4096).fill(65)]), 'big.bin');
    const token = await t.token('buyer1');
    const before = await snapshot(t);
    const r = await fetch(`${t.url}/v1/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    assert.equal(r.status, 413);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'payload_too_large');
    assert.deepEqual(await snapshot(t), before);
  });

  it('unknown ids, unknown evidence, unknown merchants and unknown routes', async () => {
    await refused(
      () => t.post('/v1/orders/nope/confirm-receipt', {}, 'buyer1'),
      404,
      'order_not_found',
    );
    await refused(
      () => t.post('/v1/orders', order(100, { merchantId: 'm-nobody' }), 'buyer1'),
      400,
      'invalid_input',
    );
    const orderId = await paidOrder(t, { amountFen: 1_500 });
    await refused(
      () =>
        t.post(
          `/v1/orders/${orderId}/claims`,
          { amountFen: 1_500, reason: 'x', evidence: ['a'.repeat(64)] },
          'buyer1',
        ),
      400,
      'invalid_input',
    );
    await refused(() => t.get('/v1/nothing-here', 'buyer1'), 404, 'not_found');
    await refused(
      () =>
        t.post('/v1/orders/%20bad%20id/ship', { carrier: 'SF', trackingNo: 'SF1234' }, 'staff1'),
      400,
      'invalid_input',
    );
  });

  it('a reused Idempotency-Key with a different body is a conflict; with the same body, a replay', async () => {
    const key = '0190a000-0000-7000-8000-000000000001';
    const first = await t.post('/v1/orders', order(1_234), 'buyer1', { 'idempotency-key': key });
    assert.equal(first.status, 201);
    const replay = await t.post('/v1/orders', order(1_234), 'buyer1', { 'idempotency-key': key });
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.equal(replay.body.replayed, true);
    assert.equal(replay.body.order.orderId, first.body.order.orderId, 'one order, not two');
    const withId = order(1_300, { orderId: 'client-chosen-1' });
    const key2 = '0190a000-0000-7000-8000-000000000002';
    const a = await t.post('/v1/orders', withId, 'buyer1', { 'idempotency-key': key2 });
    const b = await t.post('/v1/orders', withId, 'buyer1', { 'idempotency-key': key2 });
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(b.body.replayed, true);
    assert.equal(b.body.order.orderId, 'client-chosen-1');
    await refused(
      () =>
        t.post('/v1/orders', order(9_999, { orderId: 'client-chosen-1' }), 'buyer1', {
          'idempotency-key': key2,
        }),
      409,
      'idempotency_conflict',
    );
    await refused(
      () => t.post('/v1/orders', order(5), 'buyer1', { 'idempotency-key': 'not-a-uuid' }),
      400,
      'invalid_input',
    );
    await assertLedgerOk(t);
  });

  it('an order id that already exists is order_exists', async () => {
    const orderId = await createOrder(t, { amountFen: 700 });
    await refused(
      () => t.post('/v1/orders', order(700, { orderId }), 'buyer2'),
      409,
      'order_exists',
    );
  });
});

/** Everything a refused request must leave untouched: journal, orders, balances, change log. */
async function snapshot(t: TestServer): Promise<unknown> {
  const q = async (sql: string) => (await t.db.query(sql)).rows;
  return {
    journal: await q('SELECT count(*)::int AS n, max(seq) AS head FROM ledger_transactions'),
    orders: await q('SELECT count(*)::int AS n, sum(version)::int AS versions FROM orders'),
    balances: await q('SELECT account, balance_fen FROM account_balances ORDER BY account'),
    changes: await q('SELECT count(*)::int AS n FROM changes'),
    evidence: await q('SELECT count(*)::int AS n FROM evidence_files'),
  };
}
