import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY_MS } from '../../shared/time.ts';
import type { AuditEntry } from '../../server/disputes/caseAudit.ts';
import type { CaseDetail } from '../../server/disputes/caseDetail.ts';
import type { CaseSummary } from '../../server/disputes/caseQueue.ts';
import type { SellerClaim } from '../../server/disputes/sellerClaims.ts';
import { orderOf, paidOrder, rawClient, startDisputeServer } from './disputeTestServer.ts';
import type { DisputeTestServer } from './disputeTestServer.ts';

/** Who may see and do what on the dispute desk, and how the queue filters and sorts. */

const SCHEMA = 'test_disputes_roles';
let t: DisputeTestServer;
let orderM1: string;
let orderM2: string;
const NOTE = 'internal: buyer has 3 prior chargebacks';

type ErrorBody = { error: { code: string } };
const auditOf = async (claimId: string) =>
  (await t.api<{ entries: AuditEntry[] }>('agent1', 'GET', `/v1/disputes/cases/${claimId}/audit`))
    .body.entries;
const queue = async (who: string, query: string) => {
  const r = await t.api<{ cases: CaseSummary[] }>(who, 'GET', `/v1/disputes/cases${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.cases.map((c) => c.claimId);
};

before(async () => {
  t = await startDisputeServer(SCHEMA);
  orderM1 = await paidOrder(t, { amountFen: 20_000, merchantId: 'm1', title: '龙井' });
  orderM2 = await paidOrder(t, {
    amountFen: 900_000,
    merchantId: 'm2',
    buyer: 'b2',
    title: '示波器',
  });
  // The server types a file by its bytes: a PNG signature, then anything.
  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const photo = await t.upload(
    'b1',
    'photo.png',
    'image/png',
    Buffer.concat([pngSignature, Buffer.from('not really a png')]),
  );
  for (const [who, orderId, claimId, amountFen, evidence] of [
    ['b1', orderM1, 'claim-m1', 20_000, [photo.sha256]],
    ['b2', orderM2, 'claim-m2', 900_000, []],
  ] as const) {
    const r = await t.api(who, 'POST', `/v1/orders/${orderId}/claims`, {
      claimId,
      amountFen,
      reason: `never arrived (${claimId})`,
      evidence,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  assert.equal(
    (await t.api('agent1', 'POST', '/v1/disputes/cases/claim-m1/notes', { body: NOTE })).status,
    201,
  );
});
after(async () => {
  await t?.close();
});

test('sellers see only claims against their own merchant', async () => {
  const m1 = await t.api<{ claims: SellerClaim[] }>('staff1', 'GET', '/v1/disputes/seller/claims');
  assert.deepEqual(
    m1.body.claims.map((c) => c.claimId),
    ['claim-m1'],
  );
  const m2 = await t.api<{ claims: SellerClaim[] }>('staff2', 'GET', '/v1/disputes/seller/claims');
  assert.deepEqual(
    m2.body.claims.map((c) => c.claimId),
    ['claim-m2'],
  );
  // Another merchant's order is not readable either: it reads as missing.
  assert.equal((await t.api('staff2', 'GET', `/v1/orders/${orderM1}`)).status, 404);
});

test('sellers never see internal notes, the case view or the audit trail', async () => {
  const seller = await t.api('staff1', 'GET', '/v1/disputes/seller/claims');
  assert.ok(!seller.bytes.toString('utf8').includes(NOTE));
  const order = await t.api('staff1', 'GET', `/v1/orders/${orderM1}`);
  assert.equal(order.status, 200);
  assert.ok(!order.bytes.toString('utf8').includes(NOTE));
  for (const path of [
    '/v1/disputes/cases',
    '/v1/disputes/cases/claim-m1',
    '/v1/disputes/cases/claim-m1/audit',
    '/v1/disputes/audit/export',
    '/v1/disputes/cases/claim-m1/evidence-pack',
  ]) {
    for (const who of ['staff1', 'admin1', 'b1']) {
      const r = await t.api<ErrorBody>(who, 'GET', path);
      assert.equal(r.status, 403, `${who} ${path}`);
      assert.equal(r.body.error.code, 'forbidden');
    }
  }
  const noted = await t.api<ErrorBody>('staff1', 'POST', '/v1/disputes/cases/claim-m1/notes', {
    body: 'a seller note',
  });
  assert.equal(noted.status, 403);
});

test('seller staff cannot decide a claim, and the refusal writes nothing', async () => {
  const auditBefore = await auditOf('claim-m1');
  for (const who of ['staff1', 'admin1']) {
    const r = await t.api<ErrorBody>(
      who,
      'POST',
      `/v1/orders/${orderM1}/claims/claim-m1/decision`,
      {
        decision: 'reject',
        reasonCode: 'no_fraud',
        note: 'we shipped it',
      },
    );
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden');
  }
  const assign = await t.api<ErrorBody>('staff1', 'POST', '/v1/disputes/cases/claim-m1/assign', {});
  assert.equal(assign.status, 403);
  const order = await orderOf(t, 'agent1', orderM1);
  assert.equal(order.claims[0]?.status, 'submitted');
  assert.deepEqual(await auditOf('claim-m1'), auditBefore);
});

test('bad desk input gets a stable code and writes nothing', async () => {
  const before = await auditOf('claim-m1');
  const empty = await t.api<ErrorBody>('agent1', 'POST', '/v1/disputes/cases/claim-m1/notes', {
    body: '   ',
  });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.code, 'invalid_input');
  const extra = await t.api<ErrorBody>('agent1', 'POST', '/v1/disputes/cases/claim-m1/notes', {
    body: 'ok',
    author: 'senior1',
  });
  assert.equal(extra.body.error.code, 'invalid_input');
  const missing = await t.api<ErrorBody>('agent1', 'POST', '/v1/disputes/cases/nope/assign', {});
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'claim_not_found');
  const badFilter = await t.api<ErrorBody>('agent1', 'GET', '/v1/disputes/cases?status=open');
  assert.equal(badFilter.body.error.code, 'invalid_input');
  assert.deepEqual(await auditOf('claim-m1'), before);
});

test('the queue filters by status, assignee, priority and free text', async () => {
  assert.deepEqual(
    await queue('agent2', '?q=%E6%B7%B1%E5%9C%B3'),
    ['claim-m2'],
    'merchant name 深圳',
  );
  assert.deepEqual(await queue('agent2', `?q=${orderM1}`), ['claim-m1']);
  assert.deepEqual(await queue('agent2', '?q=50%25'), [], 'LIKE wildcards are literal');
  assert.deepEqual(await queue('agent2', '?priority=high'), ['claim-m2'], 'above the threshold');
  assert.deepEqual(await queue('agent2', '?merchantId=m1'), ['claim-m1']);

  assert.equal(
    (await t.api('agent2', 'POST', '/v1/disputes/cases/claim-m2/assign', {})).status,
    200,
  );
  assert.deepEqual(await queue('agent2', '?assignee=me'), ['claim-m2']);
  assert.deepEqual(await queue('agent1', '?assignee=me'), []);
  assert.deepEqual(await queue('agent1', '?assignee=agent2'), ['claim-m2']);
  assert.deepEqual(await queue('agent1', '?assignee=unassigned'), ['claim-m1']);
  // Unassigning twice changes the case once: the second is a no-op with no audit row.
  assert.equal(
    (await t.api('agent2', 'POST', '/v1/disputes/cases/claim-m2/unassign', {})).status,
    200,
  );
  const rows = (await auditOf('claim-m2')).length;
  const again = await t.api<{ changed: boolean }>(
    'agent2',
    'POST',
    '/v1/disputes/cases/claim-m2/unassign',
    {},
  );
  assert.equal(again.body.changed, false);
  assert.equal((await auditOf('claim-m2')).length, rows);

  // Large amounts come before normal ones; once the agent SLA nearly runs out, both are urgent.
  const ranked = await t.api<{ cases: CaseSummary[] }>('agent1', 'GET', '/v1/disputes/cases');
  assert.deepEqual(
    ranked.body.cases.map((c) => [c.claimId, c.priority]),
    [
      ['claim-m2', 'high'],
      ['claim-m1', 'normal'],
    ],
  );
  t.clock.advance(4 * DAY_MS + 1);
  const all = await t.api<{ cases: CaseSummary[] }>('agent1', 'GET', '/v1/disputes/cases');
  assert.deepEqual(
    all.body.cases.map((c) => c.priority),
    ['urgent', 'urgent'],
  );
  const sla = all.body.cases[0]?.deadlines.find((d) => d.kind === 'agent_sla');
  assert.ok(sla && sla.leftMs < DAY_MS && sla.leftMs > 0);
});

test('asking the buyer for information sets a new deadline shown in the queue', async () => {
  const r = await t.api('agent1', 'POST', `/v1/orders/${orderM2}/claims/claim-m2/decision`, {
    decision: 'request_info',
    reasonCode: 'need_bank_statement',
    note: '请提供银行流水',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const cases = await t.api<{ cases: CaseSummary[] }>(
    'agent1',
    'GET',
    '/v1/disputes/cases?status=info_requested',
  );
  const c = cases.body.cases.find((x) => x.claimId === 'claim-m2');
  assert.equal(c?.deskStatus, 'info_requested');
  assert.equal(c?.deadlines.find((d) => d.kind === 'buyer_info')?.leftMs, 3 * DAY_MS);
  const audit = await auditOf('claim-m2');
  const last = audit.at(-1);
  assert.equal(last?.action, 'decide_claim');
  assert.equal((last?.after as { status: string }).status, 'info_requested');
});

test('an evidence file changed in storage is flagged and not served', async () => {
  const detail = await t.api<{ case: CaseDetail }>('agent1', 'GET', '/v1/disputes/cases/claim-m1');
  const file = detail.body.case.evidence.buyer[0];
  assert.ok(file);
  assert.equal(file.verified, true);
  assert.equal(file.inline, true);
  // A file of one case cannot be fetched through another.
  const wrongCase = await t.api<ErrorBody>(
    'agent1',
    'GET',
    `/v1/disputes/cases/claim-m2/evidence/${file.sha256}`,
  );
  assert.equal(wrongCase.status, 404);
  const db = await rawClient(SCHEMA);
  try {
    await db.query(`UPDATE evidence_files SET content = $2 WHERE sha256 = $1`, [
      file.sha256,
      Buffer.from('NOT really a png'),
    ]);
  } finally {
    await db.end();
  }
  const after = await t.api<{ case: CaseDetail }>('agent1', 'GET', '/v1/disputes/cases/claim-m1');
  assert.equal(after.body.case.evidence.buyer[0]?.verified, false);
  const served = await t.api<ErrorBody>(
    'agent1',
    'GET',
    `/v1/disputes/cases/claim-m1/evidence/${file.sha256}`,
  );
  assert.equal(served.status, 409);
  assert.equal(served.body.error.code, 'evidence_mismatch');
});

test('an evidence pack is made only for decided cases', async () => {
  const r = await t.api<ErrorBody>('agent1', 'GET', '/v1/disputes/cases/claim-m1/evidence-pack');
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'invalid_state');
});

test('a claim id taken on another order is refused, and that case stays as it was', async () => {
  const before = await t.api<CaseDetail>('agent1', 'GET', '/v1/disputes/cases/claim-m1');
  const other = await paidOrder(t, {
    amountFen: 5_000,
    merchantId: 'm2',
    buyer: 'b2',
    title: '茶',
  });
  const r = await t.api<ErrorBody>('b2', 'POST', `/v1/orders/${other}/claims`, {
    claimId: 'claim-m1',
    amountFen: 5_000,
    reason: 'never arrived',
    evidence: [],
  });
  assert.equal(r.body.error?.code, 'claim_exists', JSON.stringify(r.body));
  const after = await t.api<CaseDetail>('agent1', 'GET', '/v1/disputes/cases/claim-m1');
  assert.deepEqual(after.body, before.body);
  assert.equal((await orderOf(t, 'b2', other)).claims.length, 0);
});
