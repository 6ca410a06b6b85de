import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY_MS } from '../../shared/time.ts';
import { runDueTimers } from '../../server/timers/timerScheduler.ts';
import { assertLedgerOk, balance, completedOrder, paidOrder, shippedOrder } from './escrowSteps.ts';
import { DEPOSIT_FEN, FEE_BPS, GUARANTEE_FUND_FEN, startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

describe('the escrow story over HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('story', {
      policy: { secondApprovalThresholdFen: 100_000 },
      sessionTtlMs: 365 * DAY_MS,
    });
  });
  after(() => t.close());

  it('holds the payment in escrow, then releases it to the seller minus the fee on receipt', async () => {
    const orderId = await paidOrder(t, { amountFen: 12_345 });
    assert.equal(await balance(t, `escrow:order:${orderId}`), 12_345);
    const order = (await t.get(`/v1/orders/${orderId}`, 'staff1')).body.order;
    assert.equal(order.status, 'funds_held');

    const availableBefore = await balance(t, 'merchant:m1:available');
    const feesBefore = await balance(t, 'platform:fees');
    const ship = await t.post(
      `/v1/orders/${orderId}/ship`,
      { carrier: 'SF Express', trackingNo: 'SF100200300' },
      'staff1',
    );
    assert.equal(ship.status, 200);
    assert.equal(ship.body.order.status, 'shipped');
    assert.equal(await balance(t, `escrow:order:${orderId}`), 12_345, 'shipping moves no money');

    const confirm = await t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, 'buyer1');
    assert.equal(confirm.status, 200);
    assert.equal(confirm.body.order.status, 'completed');
    const fee = Math.floor((12_345 * FEE_BPS) / 10_000);
    assert.equal(await balance(t, `escrow:order:${orderId}`), 0);
    assert.equal(await balance(t, 'merchant:m1:available'), availableBefore + 12_345 - fee);
    assert.equal(await balance(t, 'platform:fees'), feesBefore + fee);
    await assertLedgerOk(t);
  });

  it('refunds the whole amount to the buyer when the seller agrees before shipping', async () => {
    const orderId = await paidOrder(t, { amountFen: 8_000 });
    const req = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'refund_only', amountFen: 8_000, reason: '拍错了' },
      'buyer1',
    );
    assert.equal(req.status, 201, JSON.stringify(req.body));
    const refundId = req.body.order.refunds[0].refundId as string;
    const before = await balance(t, 'buyer:b1:refundable');
    const agree = await t.post(`/v1/orders/${orderId}/refunds/${refundId}/agree`, {}, 'admin1');
    assert.equal(agree.status, 200, JSON.stringify(agree.body));
    assert.equal(agree.body.order.status, 'refunded');
    assert.equal(await balance(t, 'buyer:b1:refundable'), before + 8_000);
    assert.equal(await balance(t, `escrow:order:${orderId}`), 0);
    await assertLedgerOk(t);
  });

  it('return and refund: the buyer ships back, the seller confirms, the buyer is refunded', async () => {
    const orderId = await shippedOrder(t, { amountFen: 20_000 });
    const req = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'return_and_refund', amountFen: 20_000, reason: 'wrong size' },
      'buyer1',
    );
    assert.equal(req.status, 201, JSON.stringify(req.body));
    const refundId = req.body.order.refunds[0].refundId as string;
    const base = `/v1/orders/${orderId}/refunds/${refundId}`;
    assert.equal((await t.post(`${base}/agree`, {}, 'staff1')).status, 200);
    const back = await t.post(
      `${base}/return-shipment`,
      { carrier: 'YTO', trackingNo: 'YT9988776655' },
      'buyer1',
    );
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.order.refunds[0].status, 'awaiting_seller_confirm');
    const before = await balance(t, 'buyer:b1:refundable');
    const done = await t.post(`${base}/confirm-return`, {}, 'staff1');
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.order.status, 'refunded');
    assert.equal(await balance(t, 'buyer:b1:refundable'), before + 20_000);
    await assertLedgerOk(t);
  });

  it('a partial refund after shipment splits the escrow between buyer and seller', async () => {
    const orderId = await shippedOrder(t, { amountFen: 30_000 });
    const req = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'refund_only', amountFen: 5_000, reason: 'dented box' },
      'buyer1',
    );
    const refundId = req.body.order.refunds[0].refundId as string;
    const agree = await t.post(`/v1/orders/${orderId}/refunds/${refundId}/agree`, {}, 'staff1');
    assert.equal(agree.status, 200, JSON.stringify(agree.body));
    assert.equal(agree.body.order.status, 'partially_refunded');
    assert.equal(await balance(t, `escrow:order:${orderId}`), 0);
    await assertLedgerOk(t);
  });

  it('compensates a verified claim after release from the guarantee fund and recovers it from the seller', async () => {
    const orderId = await completedOrder(t, { amountFen: 40_000 });
    const fundBefore = await balance(t, 'platform:guarantee_fund');
    const depositBefore = await balance(t, 'merchant:m1:deposit');
    const buyerBefore = await balance(t, 'buyer:b1:refundable');

    const filed = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen: 40_000, reason: 'counterfeit', evidence: [] },
      'buyer1',
    );
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    const claimId = filed.body.order.claims[0].claimId as string;
    const base = `/v1/orders/${orderId}/claims/${claimId}`;
    assert.equal((await t.post(`${base}/request-seller-evidence`, {}, 'agent1')).status, 200);
    const ev = await t.post(
      `${base}/seller-evidence`,
      { note: 'no receipt', evidence: [] },
      'staff1',
    );
    assert.equal(ev.status, 200, JSON.stringify(ev.body));
    const approve = await t.post(
      `${base}/decision`,
      { decision: 'approve', reasonCode: 'counterfeit', note: 'verified' },
      'agent1',
    );
    assert.equal(approve.status, 200, JSON.stringify(approve.body));
    assert.equal(approve.body.order.claims[0].status, 'approved');
    assert.equal(approve.body.ledgerTxnIds.length, 2, 'compensation and recovery');

    assert.equal(await balance(t, 'buyer:b1:refundable'), buyerBefore + 40_000);
    // The deposit covers it all, so the fund ends where it started.
    assert.equal(await balance(t, 'merchant:m1:deposit'), depositBefore - 40_000);
    assert.equal(await balance(t, 'platform:guarantee_fund'), fundBefore);
    assert.ok(fundBefore <= GUARANTEE_FUND_FEN);

    const again = await t.post(
      `${base}/decision`,
      { decision: 'approve', reasonCode: 'counterfeit', note: 'twice?' },
      'agent2',
    );
    assert.equal(again.status, 409, 'a claim is paid at most once');
    await assertLedgerOk(t);
  });

  it('recovers from the available balance once the deposit is used up', async () => {
    const depositLeft = await balance(t, 'merchant:m1:deposit');
    assert.ok(depositLeft > 0 && depositLeft < 70_000 && depositLeft <= DEPOSIT_FEN);
    const orderId = await completedOrder(t, { amountFen: 70_000 });
    const availableBefore = await balance(t, 'merchant:m1:available');
    const filed = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen: 70_000, reason: 'never arrived', evidence: [] },
      'buyer1',
    );
    const claimId = filed.body.order.claims[0].claimId as string;
    const approve = await t.post(
      `/v1/orders/${orderId}/claims/${claimId}/decision`,
      { decision: 'approve', reasonCode: 'not_received', note: '' },
      'agent2',
    );
    assert.equal(approve.status, 200, JSON.stringify(approve.body));
    assert.equal(await balance(t, 'merchant:m1:deposit'), 0);
    assert.equal(
      await balance(t, 'merchant:m1:available'),
      availableBefore - (70_000 - depositLeft),
    );
    await assertLedgerOk(t);
  });

  it('compensation above the threshold waits for a second, different senior agent', async () => {
    const orderId = await completedOrder(t, { amountFen: 120_000 });
    const filed = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen: 120_000, reason: 'fake', evidence: [] },
      'buyer1',
    );
    const claimId = filed.body.order.claims[0].claimId as string;
    const base = `/v1/orders/${orderId}/claims/${claimId}`;
    const buyerBefore = await balance(t, 'buyer:b1:refundable');
    const first = await t.post(
      `${base}/decision`,
      { decision: 'approve', reasonCode: 'counterfeit', note: '' },
      'senior1',
    );
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.order.claims[0].status, 'awaiting_second_approval');
    assert.equal(await balance(t, 'buyer:b1:refundable'), buyerBefore, 'nothing paid yet');

    const byAgent = await t.post(`${base}/second-approval`, { approve: true, note: '' }, 'agent1');
    assert.equal(byAgent.status, 403);
    const same = await t.post(`${base}/second-approval`, { approve: true, note: '' }, 'senior1');
    assert.equal(same.status, 409);
    assert.equal(same.body.error.code, 'second_approver_must_differ');
    const second = await t.post(
      `${base}/second-approval`,
      { approve: true, note: 'ok' },
      'senior2',
    );
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.order.claims[0].status, 'approved');
    assert.equal(await balance(t, 'buyer:b1:refundable'), buyerBefore + 120_000);
    await assertLedgerOk(t);
  });

  it('auto-confirms receipt on server time and releases the escrow', async () => {
    const orderId = await shippedOrder(t, { amountFen: 7_000 });
    t.clock.advance(9 * DAY_MS);
    await runDueTimers(t.db, t.clock, { policy: t.server.ctx.policy });
    assert.equal((await t.get(`/v1/orders/${orderId}`, 'buyer1')).body.order.status, 'shipped');
    t.clock.advance(DAY_MS + 1);
    await runDueTimers(t.db, t.clock, { policy: t.server.ctx.policy });
    assert.equal((await t.get(`/v1/orders/${orderId}`, 'buyer1')).body.order.status, 'completed');
    assert.equal(await balance(t, `escrow:order:${orderId}`), 0);
    await assertLedgerOk(t);
  });
});
