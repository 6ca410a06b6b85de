import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuditEntry } from '../../server/disputes/caseAudit.ts';
import type { CaseDetail } from '../../server/disputes/caseDetail.ts';
import type { CaseMessage } from '../../server/disputes/caseMessages.ts';
import type { CaseSummary } from '../../server/disputes/caseQueue.ts';
import type { SellerClaim } from '../../server/disputes/sellerClaims.ts';
import { AGENT_SLA_MS } from '../../server/disputes/caseDeadlines.ts';
import { paidOrder, startDisputeServer } from './disputeTestServer.ts';
import type { DisputeTestServer } from './disputeTestServer.ts';

/**
 * The queue an agent lives in (sorting, the SLA-breach view, bulk assignment, names) and the
 * desk's messages to a case's buyer and seller, each readable by that party only.
 */

const SCHEMA = 'test_disputes_queue_messages';
let t: DisputeTestServer;
type ErrorBody = { error: { code: string } };
type Queue = { cases: CaseSummary[]; agents: { userId: string; displayName: string }[] };

const queue = async (query: string) => {
  const r = await t.api<Queue>('agent1', 'GET', `/v1/disputes/cases${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const ids = (q: Queue) => q.cases.map((c) => c.claimId);

before(async () => {
  t = await startDisputeServer(SCHEMA);
  // Three cases of different amounts; the first is filed six days before the others.
  for (const [claimId, amountFen, buyer, merchantId] of [
    ['claim-old', 30_000, 'b1', 'm1'],
    ['claim-big', 700_000, 'b2', 'm2'],
    ['claim-small', 5_000, 'b1', 'm1'],
  ] as const) {
    const orderId = await paidOrder(t, { amountFen, buyer, merchantId });
    const r = await t.api(buyer, 'POST', `/v1/orders/${orderId}/claims`, {
      claimId,
      amountFen,
      reason: `not received (${claimId})`,
      evidence: [],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    if (claimId === 'claim-old') t.clock.advance(AGENT_SLA_MS + 86_400_000);
  }
});

after(async () => {
  await t?.close();
});

test('the queue sorts by any column both ways and shows only SLA breaches on request', async () => {
  assert.deepEqual(ids(await queue('?sort=amount&dir=asc')), [
    'claim-small',
    'claim-old',
    'claim-big',
  ]);
  assert.deepEqual(ids(await queue('?sort=amount&dir=desc')), [
    'claim-big',
    'claim-old',
    'claim-small',
  ]);
  assert.deepEqual(ids(await queue('?sort=filed&dir=desc')).at(-1), 'claim-old');
  // Past the agents' five days: only the old claim.
  assert.deepEqual(ids(await queue('?sla=breached')), ['claim-old']);
  assert.equal((await t.api('agent1', 'GET', '/v1/disputes/cases?sort=color')).status, 400);
  // The names of the agents come with the queue.
  const { agents } = await queue('');
  assert.deepEqual(
    agents.map((a) => a.userId),
    ['agent1', 'agent2', 'senior1', 'senior2'],
  );
});

test('bulk assignment moves every chosen case to one agent, audited, or none at all', async () => {
  const r = await t.api<{ changed: number; cases: number }>(
    'senior1',
    'POST',
    '/v1/disputes/cases/assign',
    { claimIds: ['claim-old', 'claim-small'], agentId: 'agent2' },
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { assignee: 'agent2', cases: 2, changed: 2 });
  const mine = await t.api<Queue>('agent2', 'GET', '/v1/disputes/cases?assignee=me');
  assert.deepEqual(ids(mine.body).sort(), ['claim-old', 'claim-small']);
  const audit = await t.api<{ entries: AuditEntry[] }>(
    'agent1',
    'GET',
    '/v1/disputes/cases/claim-old/audit',
  );
  const last = audit.body.entries.at(-1);
  assert.equal(last?.action, 'assigned');
  assert.equal(last?.actorId, 'senior1');

  // One unknown claim and nothing changes; nor can a case go to someone who is not an agent.
  const partial = await t.api<ErrorBody>('senior1', 'POST', '/v1/disputes/cases/assign', {
    claimIds: ['claim-big', 'claim-nope'],
    agentId: 'agent1',
  });
  assert.equal(partial.body.error.code, 'claim_not_found');
  assert.equal((await queue('?assignee=unassigned')).cases[0]?.claimId, 'claim-big');
  const seller = await t.api<ErrorBody>('senior1', 'POST', '/v1/disputes/cases/assign', {
    claimIds: ['claim-big'],
    agentId: 'staff1',
  });
  assert.equal(seller.body.error.code, 'not_found');
  const bySeller = await t.api<ErrorBody>('staff1', 'POST', '/v1/disputes/cases/assign', {
    claimIds: ['claim-big'],
    agentId: 'agent1',
  });
  assert.equal(bySeller.status, 403);
});

test('a message reaches the party it is for, and no one else', async () => {
  for (const [to, body] of [
    ['seller', '请在 3 天内提供快递签收记录'],
    ['buyer', '我们已收到您的索赔，正在审核'],
  ] as const) {
    const sent = await t.api<{ message: CaseMessage }>(
      'agent1',
      'POST',
      '/v1/disputes/cases/claim-old/messages',
      { to, body },
    );
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
  }
  const read = async (who: string) =>
    t.api<{ messages: CaseMessage[] } & ErrorBody>(who, 'GET', '/v1/claims/claim-old/messages');
  // The buyer of the claim reads the buyer's message; the shop's staff read the seller's.
  assert.deepEqual(
    (await read('b1')).body.messages.map((m) => [m.to, m.body]),
    [['buyer', '我们已收到您的索赔，正在审核']],
  );
  for (const who of ['staff1', 'admin1'])
    assert.deepEqual(
      (await read(who)).body.messages.map((m) => m.to),
      ['seller'],
    );
  // Another buyer and another shop get the answer a claim that never existed gets.
  for (const who of ['b2', 'staff2']) {
    const r = await read(who);
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'claim_not_found');
  }
  assert.equal((await t.api<ErrorBody>('b1', 'GET', '/v1/claims/claim-nope/messages')).status, 404);

  // The seller's claims list carries the seller's messages only; the case shows both, named.
  const claims = await t.api<{ claims: SellerClaim[] }>(
    'staff1',
    'GET',
    '/v1/disputes/seller/claims',
  );
  const old = claims.body.claims.find((c) => c.claimId === 'claim-old');
  assert.deepEqual(
    old?.messages.map((m) => m.to),
    ['seller'],
  );
  const detail = await t.api<{ case: CaseDetail }>('agent1', 'GET', '/v1/disputes/cases/claim-old');
  assert.deepEqual(
    detail.body.case.messages.map((m) => m.to),
    ['seller', 'buyer'],
  );
  assert.ok(detail.body.case.people.some((p) => p.userId === 'agent1'));

  // Only agents write, and only to a buyer or a seller.
  const bySeller = await t.api('staff1', 'POST', '/v1/disputes/cases/claim-old/messages', {
    to: 'buyer',
    body: 'hi',
  });
  assert.equal(bySeller.status, 403);
  const toBank = await t.api<ErrorBody>('agent1', 'POST', '/v1/disputes/cases/claim-old/messages', {
    to: 'bank',
    body: 'hi',
  });
  assert.equal(toBank.body.error.code, 'invalid_input');
  const audit = await t.api<{ entries: AuditEntry[] }>(
    'agent1',
    'GET',
    '/v1/disputes/cases/claim-old/audit',
  );
  assert.equal(audit.body.entries.filter((e) => e.action === 'message_sent').length, 2);
});
