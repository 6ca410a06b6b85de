import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { DAY_MS } from '../../shared/time.ts';
import type { AuditEntry, AuditVerification } from '../../server/disputes/caseAudit.ts';
import type { CaseDetail } from '../../server/disputes/caseDetail.ts';
import type { CaseSummary } from '../../server/disputes/caseQueue.ts';
import type { DeskMetrics } from '../../server/disputes/deskMetrics.ts';
import type { SellerClaim } from '../../server/disputes/sellerClaims.ts';
import {
  balanceOf,
  orderOf,
  paidOrder,
  rawClient,
  startDisputeServer,
  THRESHOLD_FEN,
} from './disputeTestServer.ts';
import type { DisputeTestServer } from './disputeTestServer.ts';
import { pdfText, renderFirstPage } from './pdfText.ts';

/**
 * One fraud claim from filing to payout over the real server and PostgreSQL: the buyer files
 * with files, the seller answers with evidence, a senior agent approves above the threshold,
 * the same agent cannot give the second approval, another senior agent does, the guarantee
 * fund pays the buyer and recovers from the seller, the ledger verifies and the audit chain
 * verifies — and stops verifying once a row is edited behind its back.
 */

const SCHEMA = 'test_disputes_payout';
let t: DisputeTestServer;

before(async () => {
  t = await startDisputeServer(SCHEMA);
});
after(async () => {
  await t?.close();
});

// A 1×1 PNG and a small PDF, so one file is shown inline and the other only downloaded.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type CaseAnswer = { now: number; case: CaseDetail };
const caseOf = async (who: string, claimId: string) => {
  const r = await t.api<CaseAnswer>(who, 'GET', `/v1/disputes/cases/${claimId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.case;
};

test('a claim above the threshold goes from filing to a guarantee-fund payout with recovery', async () => {
  const amountFen = 800_000;
  assert.ok(amountFen > THRESHOLD_FEN);
  const orderId = await paidOrder(t, { amountFen });
  const shipped = await t.api('staff1', 'POST', `/v1/orders/${orderId}/ship`, {
    carrier: 'SF Express',
    trackingNo: 'SF1234567890',
  });
  assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
  // The buyer confirms receipt: the escrow is released, so compensation must come from the fund.
  const confirmed = await t.api('b1', 'POST', `/v1/orders/${orderId}/confirm-receipt`, {});
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  const availableBefore = await balanceOf(t, 'merchant:m1:available');
  assert.equal(availableBefore, amountFen - Math.floor((amountFen * 60) / 10_000));
  const fundBefore = await balanceOf(t, 'platform:guarantee_fund');
  const depositBefore = await balanceOf(t, 'merchant:m1:deposit');
  const buyerBefore = await balanceOf(t, 'buyer:b1:refundable');

  // Buyer files the claim with a photo and a PDF.
  t.clock.advance(DAY_MS);
  const photo = await t.upload('b1', '收货照片.png', 'image/png', PNG);
  const letter = await t.upload('b1', 'bank-letter.pdf', 'application/pdf', PDF);
  const filed = await t.api<{ order: { claims: { claimId: string }[] } }>(
    'b1',
    'POST',
    `/v1/orders/${orderId}/claims`,
    {
      claimId: 'claim-big',
      amountFen,
      reason: '收到的是空盒子 — the box was empty',
      evidence: [photo.sha256, letter.sha256],
    },
  );
  assert.equal(filed.status, 201, JSON.stringify(filed.body));

  // The case is new in the queue, unassigned, with the agent SLA running.
  const queue = await t.api<{ cases: CaseSummary[] }>(
    'agent1',
    'GET',
    '/v1/disputes/cases?status=new&assignee=unassigned',
  );
  const listed = queue.body.cases.find((c) => c.claimId === 'claim-big');
  assert.ok(listed, 'the new claim is in the queue');
  assert.equal(listed.deskStatus, 'new');
  assert.equal(listed.priority, 'high', 'large amounts come before normal cases');
  assert.equal(listed.merchantName, '杭州西湖龙井茶庄');
  assert.deepEqual(
    listed.deadlines.map((d) => d.kind),
    ['agent_sla'],
  );

  // agent1 takes the case, writes a note and asks the seller for evidence.
  assert.equal(
    (await t.api('agent1', 'POST', '/v1/disputes/cases/claim-big/assign', {})).status,
    200,
  );
  const note = await t.api('agent1', 'POST', '/v1/disputes/cases/claim-big/notes', {
    body: '买家此前无索赔记录; check the courier weight record',
  });
  assert.equal(note.status, 201);
  const asked = await t.api(
    'agent1',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/request-seller-evidence`,
    {},
  );
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
  const mine = await t.api<{ cases: CaseSummary[] }>(
    'agent1',
    'GET',
    '/v1/disputes/cases?assignee=me&status=awaiting_seller_evidence',
  );
  const waiting = mine.body.cases.find((c) => c.claimId === 'claim-big');
  assert.ok(waiting);
  const due = waiting.deadlines.find((d) => d.kind === 'seller_evidence');
  assert.equal(due?.leftMs, 3 * DAY_MS, 'the seller has three days from the request');

  // The seller sees the claim and its deadline, and answers with a tracking proof.
  const sellerView = await t.api<{ claims: SellerClaim[] }>(
    'staff1',
    'GET',
    '/v1/disputes/seller/claims',
  );
  const mineAsSeller = sellerView.body.claims.find((c) => c.claimId === 'claim-big');
  assert.equal(
    mineAsSeller?.evidenceDueAt,
    waiting.deadlines.find((d) => d.kind === 'seller_evidence')?.dueAt,
  );
  t.clock.advance(DAY_MS);
  const proof = await t.upload(
    'staff1',
    'tracking-SF1234567890.png',
    'image/png',
    Buffer.concat([PNG, Buffer.from('seller')]),
  );
  const answered = await t.api(
    'staff1',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/seller-evidence`,
    {
      note: '已按时发货，重量 1.2kg — weight record attached',
      evidence: [proof.sha256],
    },
  );
  assert.equal(answered.status, 200, JSON.stringify(answered.body));

  // senior1 approves in full: above the threshold it waits for a second senior agent.
  const decided = await t.api(
    'senior1',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/decision`,
    {
      decision: 'approve',
      amountFen,
      reasonCode: 'item_not_as_described',
      note: '快递称重与空箱一致',
    },
  );
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  let detail = await caseOf('senior1', 'claim-big');
  assert.equal(detail.claim.status, 'awaiting_second_approval');
  assert.equal(detail.summary.deskStatus, 'awaiting_second_approval');
  assert.ok(!detail.allowed.includes('second_approval'), 'the maker is not offered the check');
  assert.ok((await caseOf('senior2', 'claim-big')).allowed.includes('second_approval'));
  assert.equal(await balanceOf(t, 'platform:guarantee_fund'), fundBefore, 'nothing paid yet');

  // The same agent cannot check their own approval; a plain agent cannot check at all.
  const self = await t.api<{ error: { code: string } }>(
    'senior1',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/second-approval`,
    { approve: true, note: '' },
  );
  assert.equal(self.status, 409);
  assert.equal(self.body.error.code, 'second_approver_must_differ');
  const junior = await t.api<{ error: { code: string } }>(
    'agent1',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/second-approval`,
    { approve: true, note: '' },
  );
  assert.equal(junior.status, 403);
  assert.equal(await balanceOf(t, 'buyer:b1:refundable'), buyerBefore);

  // A check without a word of why is refused, by the server as by the desk.
  const silent = await t.api<{ error: { code: string } }>(
    'senior2',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/second-approval`,
    { approve: true, note: ' ' },
  );
  assert.equal(silent.status, 400);
  assert.equal(silent.body.error.code, 'note_required');
  assert.equal(await balanceOf(t, 'buyer:b1:refundable'), buyerBefore);

  // senior2 approves: the fund pays the buyer and takes it back from the seller.
  t.clock.advance(3_600_000);
  const checked = await t.api(
    'senior2',
    'POST',
    `/v1/orders/${orderId}/claims/claim-big/second-approval`,
    {
      approve: true,
      note: '复核同意',
    },
  );
  assert.equal(checked.status, 200, JSON.stringify(checked.body));
  const order = await orderOf(t, 'senior2', orderId);
  const claim = order.claims.find((c) => c.claimId === 'claim-big');
  assert.equal(claim?.status, 'approved');
  assert.equal(claim?.source, 'guarantee_fund');
  assert.deepEqual(claim?.decidedBy, ['senior1', 'senior2']);

  assert.equal(await balanceOf(t, 'buyer:b1:refundable'), buyerBefore + amountFen);
  const fromDeposit = Math.min(amountFen, depositBefore);
  const fromAvailable = amountFen - fromDeposit;
  assert.equal(await balanceOf(t, 'merchant:m1:deposit'), depositBefore - fromDeposit);
  assert.equal(await balanceOf(t, 'merchant:m1:available'), availableBefore - fromAvailable);
  // Paid out, then recovered in full: the fund ends where it started.
  assert.equal(await balanceOf(t, 'platform:guarantee_fund'), fundBefore);

  // The case shows the legs: compensation from the fund, recovery deposit first, then available.
  detail = await caseOf('agent1', 'claim-big');
  const legs = detail.postings.filter((p) => p.forThisClaim);
  assert.deepEqual(
    legs.map((p) => p.kind),
    ['compensation', 'recovery'],
  );
  assert.deepEqual(legs[0]?.legs, [
    { account: 'platform:guarantee_fund', amountFen },
    { account: 'buyer:b1:refundable', amountFen: -amountFen },
  ]);
  assert.deepEqual(legs[1]?.legs, [
    { account: 'merchant:m1:deposit', amountFen: fromDeposit },
    { account: 'merchant:m1:available', amountFen: fromAvailable },
    { account: 'platform:guarantee_fund', amountFen: -amountFen },
  ]);
  assert.equal(detail.sellerHistory.compensationRecoveredFen, amountFen);
  assert.equal(detail.sellerHistory.claimsApproved, 1);
  assert.deepEqual(
    detail.notes.map((n) => n.authorId),
    ['agent1'],
  );
  assert.ok(detail.timeline.some((e) => e.type === 'compensation_paid'));

  // Every file is checked against its stored hash; the photo shows inline, the PDF does not.
  assert.deepEqual(
    detail.evidence.buyer.map((e) => [e.name, e.verified, e.inline]),
    [
      ['收货照片.png', true, true],
      ['bank-letter.pdf', true, false],
    ],
  );
  assert.deepEqual(
    detail.evidence.seller.map((e) => [e.sha256, e.verified]),
    [[proof.sha256, true]],
  );
  const img = await t.api('agent1', 'GET', `/v1/disputes/cases/claim-big/evidence/${photo.sha256}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.match(img.headers.get('content-disposition') ?? '', /^inline/);
  assert.equal(sha(img.bytes), photo.sha256);
  const doc = await t.api(
    'agent1',
    'GET',
    `/v1/disputes/cases/claim-big/evidence/${letter.sha256}`,
  );
  assert.equal(doc.headers.get('content-type'), 'application/octet-stream');
  assert.match(doc.headers.get('content-disposition') ?? '', /^attachment/);
  assert.equal(doc.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(sha(doc.bytes), letter.sha256);

  // The server's ledger verification is clean.
  const verify = await t.api<{ ok: boolean; problems: unknown[] }>(
    'senior1',
    'GET',
    '/v1/ledger/verify',
  );
  assert.equal(verify.status, 200);
  assert.deepEqual(verify.body.problems, []);
  assert.equal(verify.body.ok, true);

  // The audit trail names who did what, with the claim before and after.
  const audit = await t.api<{ entries: AuditEntry[]; chain: AuditVerification }>(
    'agent1',
    'GET',
    '/v1/disputes/cases/claim-big/audit',
  );
  assert.equal(audit.body.chain.ok, true, JSON.stringify(audit.body.chain.problems));
  const steps = audit.body.entries.map((e) => [
    e.actorId,
    e.action,
    (e.before as { status?: string } | null)?.status ?? null,
    (e.after as { status?: string } | null)?.status ?? null,
  ]);
  assert.deepEqual(steps, [
    ['b1', 'file_claim', null, 'submitted'],
    ['agent1', 'assigned', null, null],
    ['agent1', 'note_added', null, null],
    ['agent1', 'request_seller_evidence', 'submitted', 'awaiting_seller_evidence'],
    ['staff1', 'submit_seller_evidence', 'awaiting_seller_evidence', 'under_review'],
    ['senior1', 'decide_claim', 'under_review', 'awaiting_second_approval'],
    ['senior2', 'second_approval', 'awaiting_second_approval', 'approved'],
  ]);
  assert.deepEqual(audit.body.entries[1]?.after, { assignee: 'agent1' });

  // A failed attempt writes nothing: the refused self-check left no audit row.
  assert.ok(
    !audit.body.entries.some((e) => e.actorId === 'agent1' && e.action === 'second_approval'),
  );

  // The export carries every row with its hashes.
  const exported = await t.api('agent1', 'GET', '/v1/disputes/audit/export?claimId=claim-big');
  const lines = exported.bytes
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { hash: string });
  assert.deepEqual(
    lines.map((l) => l.hash),
    audit.body.entries.map((e) => e.hash),
  );

  // The evidence pack is a PDF with the CJK font embedded and the Chinese text mapped to Unicode.
  const pack = await t.api(
    'agent1',
    'GET',
    '/v1/disputes/cases/claim-big/evidence-pack?tz=Asia/Shanghai',
  );
  assert.equal(pack.status, 200);
  assert.equal(pack.headers.get('content-type'), 'application/pdf');
  assert.equal(pack.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const raw = pack.bytes.toString('latin1');
  assert.ok(raw.includes('NotoSansHans'), 'the CJK font is embedded');
  // Read back as a viewer reads it: the Chinese comes back as written.
  const { text } = await pdfText(pack.bytes);
  for (const expected of [
    '争议案件证据包',
    '杭州西湖龙井茶庄',
    '收到的是空盒子',
    '快递称重与空箱一致',
    '保障基金 guarantee fund',
    'Dr merchant:m1:deposit',
    photo.sha256,
    proof.sha256,
    // Times in the agent's zone, with the offset that pins the instant.
    '时区 Time zone: Asia/Shanghai',
    'GMT+08:00',
    '证据图片 Image evidence',
  ])
    assert.ok(text.includes(expected), `the pack says ${expected}`);
  assert.ok(!/\d{2}:\d{2}:\d{2}Z/.test(text), 'no UTC times left in the pack');
  // The image evidence itself is in the pack, as embedded images, not just its hash.
  assert.ok((raw.match(/\/Subtype \/Image/g) ?? []).length >= 1, 'the photo is embedded');
  const badZone = await t.api<{ error: { code: string } }>(
    'agent1',
    'GET',
    '/v1/disputes/cases/claim-big/evidence-pack?tz=Mars/Olympus',
  );
  assert.equal(badZone.body.error.code, 'invalid_input');
  await renderFirstPage(pack.bytes, join('test-results', 'screenshots', '26-evidence-pack.png'));
  const afterPack = await t.api<{ entries: AuditEntry[] }>(
    'agent1',
    'GET',
    '/v1/disputes/cases/claim-big/audit',
  );
  assert.equal(afterPack.body.entries.at(-1)?.action, 'evidence_pack_exported');

  // Metrics for senior agents: one approval, counted for both approvers (the maker and the
  // checker), paid and recovered this week, with its time from filing to decision.
  const metrics = await t.api<DeskMetrics>('senior2', 'GET', '/v1/disputes/metrics');
  assert.equal(metrics.status, 200);
  for (const agentId of ['senior1', 'senior2'])
    assert.deepEqual(
      metrics.body.decisionsPerAgent.find((a) => a.agentId === agentId),
      { agentId, displayName: agentId, approved: 1, rejected: 0, infoRequested: 0 },
    );
  assert.equal(metrics.body.timeToResolve.decided, 1);
  const claimNow = (await orderOf(t, 'senior2', orderId)).claims.find(
    (c) => c.claimId === 'claim-big',
  );
  assert.equal(
    metrics.body.timeToResolve.medianMs,
    (claimNow?.decidedAt ?? 0) - (claimNow?.filedAt ?? 0),
  );
  assert.equal(metrics.body.weekly.at(-1)?.resolveMedianMs, metrics.body.timeToResolve.medianMs);
  assert.equal(metrics.body.approvalRate.rate, 1);
  const thisWeek = metrics.body.weekly.at(-1);
  assert.equal(thisWeek?.paidFen, amountFen);
  assert.equal(thisWeek?.recoveredFen, amountFen);
  assert.equal((await t.api('agent1', 'GET', '/v1/disputes/metrics')).status, 403);

  // Someone with database access edits a decided row: the chain no longer verifies, and says where.
  const db = await rawClient(SCHEMA);
  try {
    const target = audit.body.entries.find((e) => e.action === 'second_approval');
    assert.ok(target);
    await db.query('ALTER TABLE case_audit DISABLE TRIGGER case_audit_append_only');
    await db.query(`UPDATE case_audit SET actor_id = 'senior1' WHERE seq = $1`, [target.seq]);
    await db.query('ALTER TABLE case_audit ENABLE TRIGGER case_audit_append_only');
    const broken = await t.api<AuditVerification>('agent1', 'GET', '/v1/disputes/audit/verify');
    assert.equal(broken.body.ok, false);
    assert.deepEqual(
      broken.body.problems.map((p) => [p.seq, p.code]),
      [[target.seq, 'hash_mismatch']],
    );
    // And the append-only trigger refuses the same edit through the normal path.
    await assert.rejects(
      db.query(`UPDATE case_audit SET actor_id = 'x' WHERE seq = $1`, [target.seq]),
      /append-only/,
    );
  } finally {
    await db.end();
  }
});

test('a claim below the threshold is paid from the escrow still held, by one agent', async () => {
  const amountFen = 30_000;
  const orderId = await paidOrder(t, { amountFen, buyer: 'b2' });
  const fundBefore = await balanceOf(t, 'platform:guarantee_fund');
  const filed = await t.api('b2', 'POST', `/v1/orders/${orderId}/claims`, {
    claimId: 'claim-small',
    amountFen,
    reason: '卖家失联 seller vanished',
    evidence: [],
  });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  const decided = await t.api(
    'agent2',
    'POST',
    `/v1/orders/${orderId}/claims/claim-small/decision`,
    {
      decision: 'approve',
      reasonCode: 'not_shipped',
      note: 'no shipment in 10 days',
    },
  );
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  const detail = await caseOf('agent2', 'claim-small');
  assert.equal(detail.claim.status, 'approved');
  assert.equal(detail.claim.source, 'escrow');
  assert.equal(await balanceOf(t, 'buyer:b2:refundable'), amountFen);
  assert.equal(await balanceOf(t, 'platform:guarantee_fund'), fundBefore);
  assert.deepEqual(
    detail.postings.filter((p) => p.forThisClaim).map((p) => [p.kind, p.legs]),
    [
      [
        'escrow_refund',
        [
          { account: `escrow:order:${orderId}`, amountFen },
          { account: 'buyer:b2:refundable', amountFen: -amountFen },
        ],
      ],
    ],
  );
  const verify = await t.api<{ ok: boolean }>('agent2', 'GET', '/v1/ledger/verify');
  assert.equal(verify.body.ok, true);
});
