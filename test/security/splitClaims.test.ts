// Issue 12, "Maker-checker bypassed by splitting": the threshold must apply to all
// compensation on an order and to a buyer's claims within a rolling window, not per decision.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerOk, completedOrder, paidOrder } from '../server/escrowSteps.ts';
import { startTestServer } from '../server/testServer.ts';
import type { PersonName, TestServer } from '../server/testServer.ts';

const THRESHOLD = 500_000; // ¥5,000, the default
const SPLIT = 499_999; // ¥4,999.99

describe('maker-checker on cumulative exposure', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('split_claims');
  });
  after(() => t.close());

  async function claimAndApprove(
    orderId: string,
    amountFen: number,
    agent: PersonName,
    buyer: PersonName = 'buyer1',
  ) {
    const filed = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen, reason: 'never arrived', evidence: [] },
      buyer,
    );
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    const claims = filed.body.order.claims as { claimId: string }[];
    const claimId = claims[claims.length - 1]?.claimId ?? '';
    const decided = await t.post(
      `/v1/orders/${orderId}/claims/${claimId}/decision`,
      { decision: 'approve', amountFen, reasonCode: 'fraud_verified', note: 'split' },
      agent,
    );
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const claim = (decided.body.order.claims as { claimId: string; status: string }[]).find(
      (c) => c.claimId === claimId,
    );
    return { claimId, status: claim?.status ?? '' };
  }

  it('a plain agent cannot approve four ¥4,999.99 claims on one ¥20,000 order', async () => {
    const orderId = await completedOrder(t, { amountFen: 2_000_000 });
    const first = await claimAndApprove(orderId, SPLIT, 'agent1');
    assert.equal(first.status, 'approved', 'one claim under the threshold is one agent’s call');
    const second = await claimAndApprove(orderId, SPLIT, 'agent1');
    assert.equal(second.status, 'awaiting_second_approval');
    // Nothing more can be filed while it waits, and nothing was paid without a checker.
    const order = await t.get(`/v1/orders/${orderId}`, 'agent1');
    const paid = (order.body.order.claims as { paidFen: number }[]).reduce(
      (sum, c) => sum + c.paidFen,
      0,
    );
    assert.ok(paid <= THRESHOLD, `paid ${paid} fen without a second approver`);
    const third = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen: SPLIT, reason: 'again', evidence: [] },
      'buyer1',
    );
    assert.equal(third.status, 409);
    assert.equal(third.body.error.code, 'claim_open');
    await assertLedgerOk(t);
  });

  it('a follow-up claim needs a senior agent even when the order total is small', async () => {
    // buyer2: buyer1's window is already over the limit after the first test.
    const orderId = await completedOrder(t, { amountFen: 100_000, buyer: 'buyer2' });
    assert.equal((await claimAndApprove(orderId, 10_000, 'agent1', 'buyer2')).status, 'approved');
    assert.equal(
      (await claimAndApprove(orderId, 10_000, 'agent2', 'buyer2')).status,
      'awaiting_second_approval',
    );
  });

  it("a buyer's claims across orders count within the rolling window", async () => {
    const a = await paidOrder(t, { amountFen: 300_000, buyer: 'buyer2' });
    const b = await paidOrder(t, { amountFen: 300_000, buyer: 'buyer2' });
    const claim = async (orderId: string) => {
      const filed = await t.post(
        `/v1/orders/${orderId}/claims`,
        { amountFen: 300_000, reason: 'fake goods', evidence: [] },
        'buyer2',
      );
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const claimId = filed.body.order.claims[0].claimId as string;
      const r = await t.post(
        `/v1/orders/${orderId}/claims/${claimId}/decision`,
        { decision: 'approve', reasonCode: 'fraud_verified', note: 'window' },
        'agent1',
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.order.claims[0].status as string;
    };
    assert.equal(await claim(a), 'approved');
    assert.equal(await claim(b), 'awaiting_second_approval', '¥200 + ¥3,000 + ¥3,000 > ¥5,000');
    await assertLedgerOk(t);
  });

  it('the limits the server decides with are in the security audit', async () => {
    const r = await t.db.query<{ detail: { limits: Record<string, number> } }>(
      `SELECT detail FROM security_audit WHERE action = 'maker_checker_limits' ORDER BY seq DESC LIMIT 1`,
    );
    assert.equal(r.rows[0]?.detail.limits.secondApprovalThresholdFen, THRESHOLD);
    assert.equal(typeof r.rows[0]?.detail.limits.buyerWindowMs, 'number');
  });
});
