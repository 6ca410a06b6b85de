import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runDueTimers } from '../../server/timers/timerScheduler.ts';
import { DAY_MS } from '../../shared/time.ts';
import type { AuditEntry, AuditVerification } from '../../server/disputes/caseAudit.ts';
import { paidOrder, rawClient, startDisputeServer } from './disputeTestServer.ts';
import type { DisputeTestServer } from './disputeTestServer.ts';

/** The audit trail under concurrency, from the timers, and against deletion. */

const SCHEMA = 'test_disputes_audit';
let t: DisputeTestServer;
let orderId: string;

const auditOf = async (claimId: string) =>
  (await t.api<{ entries: AuditEntry[] }>('agent1', 'GET', `/v1/disputes/cases/${claimId}/audit`))
    .body.entries;
const verify = async () =>
  (await t.api<AuditVerification>('agent1', 'GET', '/v1/disputes/audit/verify')).body;

before(async () => {
  t = await startDisputeServer(SCHEMA);
  orderId = await paidOrder(t, { amountFen: 50_000 });
  const filed = await t.api('b1', 'POST', `/v1/orders/${orderId}/claims`, {
    claimId: 'claim-audit',
    amountFen: 50_000,
    reason: 'counterfeit',
    evidence: [],
  });
  assert.equal(filed.status, 201);
});
after(async () => {
  await t?.close();
});

test('agents acting at once each get one audit row, in one unbroken chain', async () => {
  const who = ['agent1', 'agent2', 'senior1', 'senior2'];
  const answers = await Promise.all(
    Array.from({ length: 24 }, (_, i) =>
      t.api(who[i % who.length] ?? 'agent1', 'POST', '/v1/disputes/cases/claim-audit/notes', {
        body: `note ${i}`,
      }),
    ),
  );
  assert.deepEqual(
    answers.map((a) => a.status),
    Array(24).fill(201),
  );
  const notes = (await auditOf('claim-audit')).filter((e) => e.action === 'note_added');
  assert.equal(notes.length, 24);
  const v = await verify();
  assert.equal(v.ok, true, JSON.stringify(v.problems));
  assert.equal(v.rows, 25);
});

test('a timer that moves a claim is audited as the system, with before and after', async () => {
  const asked = await t.api(
    'agent1',
    'POST',
    `/v1/orders/${orderId}/claims/claim-audit/request-seller-evidence`,
    {},
  );
  assert.equal(asked.status, 200);
  // The seller stays silent past the three days: the server's timer moves the claim on.
  t.clock.advance(3 * DAY_MS + 1);
  const ran = await runDueTimers(t.server.ctx.db, t.clock, { policy: t.server.ctx.policy });
  assert.ok(ran >= 1);
  const last = (await auditOf('claim-audit')).at(-1);
  assert.equal(last?.action, 'advance_timers');
  assert.equal((last?.before as { status: string }).status, 'awaiting_seller_evidence');
  assert.equal((last?.after as { status: string }).status, 'under_review');
  assert.ok(last?.actorId.startsWith('system'), last?.actorId);
  assert.equal((await verify()).ok, true);
});

test('a deleted audit row breaks the chain where it was', async () => {
  const entries = await auditOf('claim-audit');
  const victim = entries[3];
  assert.ok(victim);
  const db = await rawClient(SCHEMA);
  try {
    await assert.rejects(
      db.query('DELETE FROM case_audit WHERE seq = $1', [victim.seq]),
      /append-only/,
    );
    await assert.rejects(db.query('TRUNCATE case_audit'), /append-only/);
    await db.query('ALTER TABLE case_audit DISABLE TRIGGER case_audit_append_only');
    await db.query('DELETE FROM case_audit WHERE seq = $1', [victim.seq]);
    await db.query('ALTER TABLE case_audit ENABLE TRIGGER case_audit_append_only');
  } finally {
    await db.end();
  }
  const v = await verify();
  assert.equal(v.ok, false);
  assert.deepEqual(v.problems.map((p) => p.code).sort(), ['prev_hash_mismatch', 'seq_gap']);
  assert.ok(v.problems.every((p) => p.seq === victim.seq + 1));
});
