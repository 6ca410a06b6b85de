import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../shared/time.ts';
import { runDueTimers } from '../../server/timers/timerScheduler.ts';
import { assertLedgerOk, createOrder, shippedOrder } from './escrowSteps.ts';
import { startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

describe('timers run on server time, exactly once', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('timers', { sessionTtlMs: 365 * DAY_MS });
  });
  after(() => t.close());

  const status = async (orderId: string) =>
    (await t.get(`/v1/orders/${orderId}`, 'agent1')).body.order.status as string;

  it('an unpaid order closes after 72 hours, not before', async () => {
    const orderId = await createOrder(t, { amountFen: 1_000 });
    t.clock.advance(71 * HOUR_MS);
    assert.equal(await runDueTimers(t.db, t.clock), 0);
    assert.equal(await status(orderId), 'awaiting_payment');
    t.clock.advance(HOUR_MS + 1);
    assert.equal(await runDueTimers(t.db, t.clock), 1);
    assert.equal(await status(orderId), 'closed_unpaid');
    assert.equal(await runDueTimers(t.db, t.clock), 0, 'nothing left to do');
  });

  it('an order with the longest id still has its timers fire', async () => {
    // `timer:<order id>:v<version>:<due>` spelled out is longer than a command id may be.
    const orderId = 'L'.repeat(80);
    const r = await t.post(
      '/v1/orders',
      {
        orderId,
        merchantId: 'm1',
        currency: 'CNY',
        amountFen: 1_000,
        goodsKind: 'virtual',
        item: { title: '龙井茶', quantity: 1 },
      },
      'buyer1',
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    t.clock.advance(72 * HOUR_MS + 1);
    assert.equal(await runDueTimers(t.db, t.clock), 1);
    assert.equal(await status(orderId), 'closed_unpaid');
  });

  it('two schedulers on one database apply each due timer once', async () => {
    const orders: string[] = [];
    for (let i = 0; i < 6; i++) orders.push(await shippedOrder(t, { amountFen: 2_000 + i }));
    t.clock.advance(11 * DAY_MS);
    const sibling = await t.testDb.openSibling();
    const dbs = [t.db, sibling ?? t.db];
    const counts = await Promise.all([
      runDueTimers(dbs[0]!, t.clock),
      runDueTimers(dbs[1]!, t.clock),
      runDueTimers(dbs[0]!, t.clock),
      runDueTimers(dbs[1]!, t.clock),
    ]);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      6,
      `applied ${counts.join('+')}`,
    );
    for (const o of orders) assert.equal(await status(o), 'completed');
    const resolutions = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM escrow_resolutions WHERE order_id = ANY($1)',
      [orders],
    );
    assert.equal(resolutions.rows[0]?.n, 6);
    await assertLedgerOk(t);
  });

  it('an open refund pauses auto-confirm', async () => {
    const orderId = await shippedOrder(t, { amountFen: 3_000 });
    const req = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'return_and_refund', amountFen: 3_000, reason: 'broken' },
      'buyer1',
    );
    assert.equal(req.status, 201);
    const refundId = req.body.order.refunds[0].refundId as string;
    assert.equal(
      (await t.post(`/v1/orders/${orderId}/refunds/${refundId}/agree`, {}, 'staff1')).status,
      200,
    );
    // The return window (7 days) passes without a shipment: the refund closes; auto-confirm
    // resumes with its remaining time.
    t.clock.advance(10 * DAY_MS);
    await runDueTimers(t.db, t.clock);
    const order = (await t.get(`/v1/orders/${orderId}`, 'agent1')).body.order;
    assert.equal(order.refunds[0].status, 'closed');
    assert.equal(order.status, 'shipped', 'paused time was added back');
    t.clock.advance(10 * DAY_MS);
    await runDueTimers(t.db, t.clock);
    assert.equal(await status(orderId), 'completed');
    await assertLedgerOk(t);
  });

  it('a stale due time is corrected instead of spun on', async () => {
    const orderId = await createOrder(t, { amountFen: 1_200 });
    const real = await t.db.query<{ next_timer_at: number }>(
      'SELECT next_timer_at FROM orders WHERE order_id = $1',
      [orderId],
    );
    await t.db.query('UPDATE orders SET next_timer_at = $2 WHERE order_id = $1', [
      orderId,
      t.clock.now() - 1,
    ]);
    assert.equal(await runDueTimers(t.db, t.clock), 1, 'visited once');
    assert.equal(await runDueTimers(t.db, t.clock), 0, 'and not again');
    const after = await t.db.query<{ next_timer_at: number; version: number }>(
      'SELECT next_timer_at, version FROM orders WHERE order_id = $1',
      [orderId],
    );
    assert.equal(after.rows[0]?.next_timer_at, real.rows[0]?.next_timer_at);
    assert.equal(after.rows[0]?.version, 1, 'no events were invented');
  });
});
