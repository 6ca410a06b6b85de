import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { assertLedgerOk, balance, paidOrder, shippedOrder } from './escrowSteps.ts';
import { BANK_SECRETS, startTestServer } from './testServer.ts';
import type { HttpResult, TestServer } from './testServer.ts';

describe('concurrent commands on one order', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('concurrency');
  });
  after(() => t.close());

  const statuses = (rs: HttpResult[]) => rs.map((r) => r.status).sort();

  it('eight simultaneous receipt confirmations release the escrow exactly once', async () => {
    const orderId = await shippedOrder(t, { amountFen: 50_000 });
    const availableBefore = await balance(t, 'merchant:m1:available');
    const rs = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, 'buyer1'),
      ),
    );
    assert.deepEqual(statuses(rs), [200, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of rs.filter((x) => x.status === 409))
      assert.equal(r.body.error.code, 'invalid_state');
    assert.equal(await balance(t, 'merchant:m1:available'), availableBefore + 50_000 - 300);
    await assertLedgerOk(t);
  });

  it('agree and refuse of one refund at once: exactly one wins', async () => {
    const orderId = await paidOrder(t, { amountFen: 9_000 });
    const req = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'refund_only', amountFen: 9_000, reason: 'changed my mind' },
      'buyer1',
    );
    const refundId = req.body.order.refunds[0].refundId as string;
    const base = `/v1/orders/${orderId}/refunds/${refundId}`;
    const [agree, refuse] = await Promise.all([
      t.post(`${base}/agree`, {}, 'staff1'),
      t.post(`${base}/refuse`, { reason: 'no' }, 'admin1'),
    ]);
    assert.deepEqual(statuses([agree, refuse]), [200, 409]);
    const order = (await t.get(`/v1/orders/${orderId}`, 'staff1')).body.order;
    assert.equal(order.status, agree.status === 200 ? 'refunded' : 'funds_held');
    await assertLedgerOk(t);
  });

  it('the same command id sent twice at once applies once and both callers get its outcome', async () => {
    const orderId = await shippedOrder(t, { amountFen: 4_000 });
    const key = { 'idempotency-key': '0190b000-0000-7000-8000-00000000abcd' };
    const journalBefore = (await t.get('/v1/ledger/verify', 'agent1')).body.transactions;
    const rs = await Promise.all([
      t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, 'buyer1', key),
      t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, 'buyer1', key),
    ]);
    assert.deepEqual(statuses(rs), [200, 200]);
    assert.deepEqual(
      rs.map((r) => r.body.replayed).sort(),
      [false, true],
      'one applied, one replayed',
    );
    assert.deepEqual(rs[0]?.body.ledgerTxnIds, rs[1]?.body.ledgerTxnIds);
    assert.equal(await assertLedgerOk(t), journalBefore + 1);
  });

  it('two server instances on one database: conflicting commands, one winner', async (ctx) => {
    const sibling = await t.testDb.openSibling();
    if (!sibling) {
      ctx.skip('PGlite is one connection; two instances need PostgreSQL');
      return;
    }
    let second: RunningServer | null = null;
    try {
      second = await startServer({
        db: sibling,
        clock: t.clock,
        bankSecrets: BANK_SECRETS,
        timerIntervalMs: false,
      });
      const orderId = await shippedOrder(t, { amountFen: 6_000 });
      const token = await t.token('buyer1');
      const send = (url: string) =>
        fetch(`${url}/v1/orders/${orderId}/confirm-receipt`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{}',
        }).then((r) => r.status);
      const codes = await Promise.all(
        Array.from({ length: 6 }, (_, i) => send(i % 2 === 0 ? t.url : (second?.url ?? ''))),
      );
      assert.deepEqual(codes.sort(), [200, 409, 409, 409, 409, 409]);
      await assertLedgerOk(t);
    } finally {
      await second?.close();
    }
  });
});
