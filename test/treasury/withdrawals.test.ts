import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MINUTE_MS } from '../../shared/time.ts';
import { assertLedgerOk, balance, completedOrder } from '../server/escrowSteps.ts';
import { startTestServer } from '../server/testServer.ts';
import type { TestServer } from '../server/testServer.ts';
import {
  activePayoutAccount,
  payoutResult,
  payoutResultBody,
  sendBatch,
  signedPayoutResult,
  withdraw,
} from './treasurySteps.ts';

describe('withdrawals and bank payouts', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('treasury_wd', { sessionTtlMs: 30 * 24 * 60 * MINUTE_MS });
  });
  after(() => t.close());

  const available = () => balance(t, 'merchant:m1:available');
  const pending = () => balance(t, 'merchant:m1:payout_pending');
  const bank = () => balance(t, 'platform:bank:icbc');

  it('a payout account takes effect only after the cooling-off period, masked to all but its author', async () => {
    await completedOrder(t, { amountFen: 500_000 });
    const staff = await t.post(
      '/v1/treasury/payout-account',
      { accountName: 'x', bankName: 'y', accountNo: '6222021234567890' },
      'staff1',
    );
    assert.equal(staff.status, 403);
    const entered = await t.post(
      '/v1/treasury/payout-account',
      { accountName: '杭州茶庄有限公司', bankName: '工商银行', accountNo: '6222 0212 3456 7890' },
      'admin1',
    );
    assert.equal(entered.status, 201, JSON.stringify(entered.body));
    const early = await withdraw(t, 10_000);
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'payout_account_required');

    const mine = await t.get('/v1/treasury/payout-account', 'admin1');
    assert.equal(mine.body.accounts[0].accountNo, '6222021234567890');
    assert.equal(mine.body.accounts[0].state, 'cooling_off');
    const staffView = await t.get('/v1/treasury/payout-account', 'staff1');
    assert.equal(staffView.status, 200);
    assert.equal(staffView.body.accounts[0].accountNo, '•••• 7890');
    assert.equal(staffView.body.accounts[0].masked, true);
    const other = await t.get('/v1/treasury/payout-account', 'admin2');
    assert.deepEqual(other.body.accounts, [], 'another merchant sees none of it');

    t.clock.advance(24 * 60 * MINUTE_MS + 1);
    const active = await t.get('/v1/treasury/payout-account', 'admin1');
    assert.equal(active.body.accounts[0].state, 'active');
    const audit = await t.db.query<{ action: string; detail: { accountNo: string } }>(
      `SELECT action, detail FROM treasury_audit WHERE action = 'payout_account_entered'`,
    );
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0]?.detail.accountNo, '•••• 7890', 'the audit never holds the number');
  });

  it('a withdrawal reserves available balance at once and the same request key asks once', async () => {
    const availableBefore = await available();
    const key = randomUUID();
    const first = await withdraw(t, 20_000, { requestKey: key });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.withdrawal.status, 'requested');
    const again = await withdraw(t, 20_000, { requestKey: key });
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    assert.equal(again.body.withdrawal.withdrawalId, first.body.withdrawal.withdrawalId);
    assert.equal(await available(), availableBefore - 20_000);
    assert.equal(await pending(), 20_000);
    const changed = await withdraw(t, 30_000, { requestKey: key });
    assert.equal(changed.status, 409);
    assert.equal(changed.body.error.code, 'idempotency_conflict');
    await assertLedgerOk(t);
  });

  it('refuses withdrawals below the minimum, beyond the balance, past the daily limits, and from other roles', async () => {
    const small = await withdraw(t, 999);
    assert.equal(small.status, 400);
    assert.equal(small.body.error.code, 'withdrawal_below_minimum');
    const tooMuch = await withdraw(t, (await available()) + 1);
    assert.equal(tooMuch.status, 409);
    assert.equal(tooMuch.body.error.code, 'insufficient_funds');
    for (const who of ['staff1', 'agent1', 'finance1', 'buyer1'] as const) {
      const r = await withdraw(t, 5_000, { who });
      assert.equal(r.status, 403, who);
    }
    // Four more make five today; the sixth is over the count.
    for (let i = 0; i < 4; i++) assert.equal((await withdraw(t, 1_000)).status, 201);
    const sixth = await withdraw(t, 1_000);
    assert.equal(sixth.status, 409);
    assert.equal(sixth.body.error.code, 'withdrawal_limit_exceeded');
    assert.equal(await pending(), 24_000);
    await assertLedgerOk(t);
  });

  it('finance sends requested withdrawals in one batch; sellers cannot', async () => {
    assert.equal((await t.post('/v1/treasury/payout-batches', {}, 'admin1')).status, 403);
    const r = await sendBatch(t);
    assert.equal(r.status, 201);
    assert.equal(r.body.batch.itemCount, 5);
    assert.equal(r.body.batch.totalFen, 24_000);
    const file = await t.get(
      `/v1/treasury/payout-batches/${r.body.batch.batchId}/file`,
      'finance1',
    );
    assert.equal(file.status, 200);
    assert.match(String(file.body), /6222021234567890/);
    const list = await t.get('/v1/treasury/withdrawals', 'staff1');
    assert.ok(list.body.withdrawals.every((w: { status: string }) => w.status === 'sent'));
    const empty = await sendBatch(t);
    assert.equal(empty.body.batch, null, 'nothing is sent twice');
  });

  it('a paid result moves payout pending to the bank once, however often it is delivered', async () => {
    const list = await t.get('/v1/treasury/withdrawals', 'finance1');
    const w = list.body.withdrawals.find((x: { amountFen: number }) => x.amountFen === 20_000);
    const bankBefore = await bank();
    const body = payoutResultBody({
      withdrawalId: w.withdrawalId,
      amountFen: 20_000,
      outcome: 'paid',
    });
    const first = await signedPayoutResult(t, body);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.applied, true);
    assert.equal(first.body.withdrawal.status, 'paid');
    const second = await signedPayoutResult(t, body);
    assert.equal(second.status, 200);
    assert.equal(second.body.duplicate, true);
    // The bank re-sends the same outcome under a new result id: recorded, nothing moves.
    const renamed = await payoutResult(t, {
      withdrawalId: w.withdrawalId,
      amountFen: 20_000,
      outcome: 'paid',
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.applied, false);
    assert.equal(await bank(), bankBefore - 20_000);
    assert.equal(await pending(), 4_000);
    await assertLedgerOk(t);
  });

  it('a failed result returns the money to available with the bank’s reason; a contradicting late result moves nothing', async () => {
    const list = await t.get('/v1/treasury/withdrawals', 'finance1');
    const [a, b] = list.body.withdrawals.filter(
      (x: { amountFen: number; status: string }) => x.amountFen === 1_000 && x.status === 'sent',
    );
    const availableBefore = await available();
    const bankBefore = await bank();
    // Out of order: b's result arrives before a's.
    const failB = await payoutResult(t, {
      withdrawalId: b.withdrawalId,
      amountFen: 1_000,
      outcome: 'failed',
      reason: '户名与账号不符 (name does not match account)',
    });
    assert.equal(failB.status, 200, JSON.stringify(failB.body));
    const payA = await payoutResult(t, {
      withdrawalId: a.withdrawalId,
      amountFen: 1_000,
      outcome: 'paid',
    });
    assert.equal(payA.status, 200);
    assert.equal(await available(), availableBefore + 1_000);
    const seller = await t.get('/v1/treasury/withdrawals', 'admin1');
    const shown = seller.body.withdrawals.find(
      (x: { withdrawalId: string }) => x.withdrawalId === b.withdrawalId,
    );
    assert.equal(shown.status, 'failed');
    assert.match(shown.failureReason, /户名与账号不符/);

    // A "paid" for the failed one, and a "failed" for the paid one: refused, nothing moves.
    const latePaid = await payoutResult(t, {
      withdrawalId: b.withdrawalId,
      amountFen: 1_000,
      outcome: 'paid',
    });
    assert.equal(latePaid.status, 409);
    assert.equal(latePaid.body.error.code, 'withdrawal_already_settled');
    const lateFail = await payoutResult(t, {
      withdrawalId: a.withdrawalId,
      amountFen: 1_000,
      outcome: 'failed',
    });
    assert.equal(lateFail.status, 409);
    assert.equal(await available(), availableBefore + 1_000);
    assert.equal(await bank(), bankBefore - 1_000);
    await assertLedgerOk(t);
  });

  it('forged, tampered, stale and mismatched results are refused with no ledger change', async () => {
    const list = await t.get('/v1/treasury/withdrawals?status=sent', 'finance1');
    const w = list.body.withdrawals[0];
    const before = await pending();
    const body = payoutResultBody({
      withdrawalId: w.withdrawalId,
      amountFen: 1_000,
      outcome: 'paid',
    });
    const forged = await signedPayoutResult(t, body, {
      key: { kid: 'demo', secret: 'not-the-secret-but-long-enough-0123456789' },
    });
    assert.equal(forged.status, 401);
    const unknownKid = await signedPayoutResult(t, body, {
      key: { kid: 'other', secret: 'not-the-secret-but-long-enough-0123456789' },
    });
    assert.equal(unknownKid.status, 401);
    const stale = await signedPayoutResult(t, body, { atMs: t.clock.now() - 6 * MINUTE_MS });
    assert.equal(stale.status, 401);
    assert.match(stale.body.error.message, /too old/);
    const wrongAmount = await payoutResult(t, {
      withdrawalId: w.withdrawalId,
      amountFen: 2_000,
      outcome: 'paid',
    });
    assert.equal(wrongAmount.status, 400);
    assert.equal(wrongAmount.body.error.code, 'amount_mismatch');
    const unknown = await payoutResult(t, {
      withdrawalId: 'wd-nope',
      amountFen: 1_000,
      outcome: 'paid',
    });
    assert.equal(unknown.status, 404);
    assert.equal(await pending(), before);
  });

  it('a result for a withdrawal not yet sent is refused, so the bank delivers it again later', async () => {
    // The failed withdrawal no longer counts against today's five.
    const next = await withdraw(t, 1_000);
    assert.equal(next.status, 201, JSON.stringify(next.body));
    const early = await payoutResult(t, {
      withdrawalId: next.body.withdrawal.withdrawalId,
      amountFen: 1_000,
      outcome: 'paid',
    });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'invalid_state');
    await sendBatch(t);
    const later = await payoutResult(t, {
      withdrawalId: next.body.withdrawal.withdrawalId,
      amountFen: 1_000,
      outcome: 'paid',
    });
    assert.equal(later.status, 200);
    await assertLedgerOk(t);
  });

  it('a withdrawal racing a fraud recovery from the same seller never takes available below zero', async () => {
    await activePayoutAccount(t, 'admin2', '6217 0000 1111 2222');
    // m2 has no deposit: a recovery comes from available only.
    const orderId = await completedOrderFor(t, 'm2', 300_000);
    const availableBefore = await balance(t, 'merchant:m2:available');
    const filed = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen: 250_000, reason: 'counterfeit', evidence: [] },
      'buyer2',
    );
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    const claimId = filed.body.order.claims[0].claimId as string;
    const [decision, wd] = await Promise.all([
      t.post(
        `/v1/orders/${orderId}/claims/${claimId}/decision`,
        { decision: 'approve', reasonCode: 'counterfeit', note: 'verified' },
        'agent1',
      ),
      withdraw(t, 200_000, { who: 'admin2' }),
    ]);
    assert.equal(decision.status, 200, JSON.stringify(decision.body));
    const availableAfter = await balance(t, 'merchant:m2:available');
    const pendingAfter = await balance(t, 'merchant:m2:payout_pending');
    assert.ok(availableAfter >= 0);
    if (wd.status === 201) {
      // The withdrawal went first: the recovery took what was left, the fund bears the rest.
      assert.equal(pendingAfter, 200_000);
      assert.equal(availableAfter, 0);
    } else {
      assert.equal(wd.body.error.code, 'insufficient_funds');
      assert.equal(pendingAfter, 0);
      assert.equal(availableAfter, availableBefore - 250_000);
    }
    assert.equal(await balance(t, 'buyer:b2:refundable'), 250_000, 'the buyer is paid in full');
    await assertLedgerOk(t);
  });
});

async function completedOrderFor(t: TestServer, merchantId: string, amountFen: number) {
  const { createOrder, bankNotification } = await import('../server/escrowSteps.ts');
  const orderId = await createOrder(t, { merchantId, amountFen, buyer: 'buyer2' });
  assert.equal((await bankNotification(t, { orderId, amountFen })).status, 200);
  const ship = await t.post(
    `/v1/orders/${orderId}/ship`,
    { carrier: 'SF Express', trackingNo: 'SF7700001' },
    'staff2',
  );
  assert.equal(ship.status, 200, JSON.stringify(ship.body));
  const ok = await t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, 'buyer2');
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  return orderId;
}
