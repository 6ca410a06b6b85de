import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import type { MethodOutput } from '../../shared/contract/types.ts';
import { paidOrder, PASSWORD, startDisputeServer } from './disputeTestServer.ts';
import type { DisputeTestServer } from './disputeTestServer.ts';

/**
 * The desk side of the dispute desk: a real desk host (core worker and all) signed in to the
 * real server, answering the `disputes.*` contract methods. Every answer passes the contract's
 * output schema in the host, so these tests also pin the server's JSON to the contract.
 */

const SCHEMA = 'test_disputes_gateway';
const WORKER = new URL('../../electron/core/worker/coreWorker.ts', import.meta.url);
let t: DisputeTestServer;
let dir: string;
const hosts: DeskHost[] = [];
let orderId: string;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function deskFor(username: string): Promise<DeskHost> {
  const host = createDeskHost({
    core: {
      workerEntry: WORKER,
      workerData: { dataDir: dir },
    },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(t.url),
    vault: memoryTokenVault(),
  });
  hosts.push(host);
  const signedIn = await host.call('session.signIn', { username, password: PASSWORD });
  assert.ok(signedIn.ok, JSON.stringify(signedIn));
  return host;
}

function value<M extends Parameters<DeskHost['call']>[0]>(
  r: Awaited<ReturnType<DeskHost['call']>>,
): M extends keyof never ? never : unknown {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as never;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-disputes-'));
  t = await startDisputeServer(SCHEMA);
  orderId = await paidOrder(t, { amountFen: 12_000 });
  const photo = await t.upload('b1', '破损.png', 'image/png', PNG);
  const filed = await t.api('b1', 'POST', `/v1/orders/${orderId}/claims`, {
    claimId: 'claim-desk',
    amountFen: 12_000,
    reason: '商品破损',
    evidence: [photo.sha256],
  });
  assert.equal(filed.status, 201);
});
after(async () => {
  for (const h of hosts) await h.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an agent desk reads the queue and the case, assigns itself and writes a note', async () => {
  const desk = await deskFor('agent1');
  const queue = value(
    await desk.call('disputes.queue', { status: 'new' }),
  ) as MethodOutput<'disputes.queue'>;
  assert.deepEqual(
    queue.cases.map((c) => c.claimId),
    ['claim-desk'],
  );
  const assigned = value(
    await desk.call('disputes.assign', { claimId: 'claim-desk', assign: true }),
  );
  assert.deepEqual(assigned, { assignee: 'agent1', changed: true });
  value(await desk.call('disputes.addNote', { claimId: 'claim-desk', body: '照片显示外箱完好' }));
  const detail = value(
    await desk.call('disputes.case', { claimId: 'claim-desk' }),
  ) as MethodOutput<'disputes.case'>;
  assert.equal(detail.case.summary.assignee, 'agent1');
  assert.deepEqual(
    detail.case.notes.map((n) => n.body),
    ['照片显示外箱完好'],
  );
  const file = detail.case.evidence.buyer[0];
  assert.ok(file?.verified);
  const got = value(
    await desk.call('disputes.evidenceFile', { claimId: 'claim-desk', sha256: file.sha256 }),
  ) as MethodOutput<'disputes.evidenceFile'>;
  assert.equal(got.name, '破损.png');
  assert.equal(got.inline, true);
  assert.equal(
    createHash('sha256').update(Buffer.from(got.base64, 'base64')).digest('hex'),
    file.sha256,
  );
  const audit = value(
    await desk.call('disputes.audit', { claimId: 'claim-desk' }),
  ) as MethodOutput<'disputes.audit'>;
  assert.equal(audit.chain.ok, true);
  assert.deepEqual(
    audit.entries.map((e) => e.action),
    ['file_claim', 'assigned', 'note_added'],
  );
  const metrics = await desk.call('disputes.metrics', {});
  assert.equal(metrics.ok ? 'ok' : metrics.error.code, 'forbidden', 'metrics are for seniors');
});

test('a decided case exports an evidence pack and the audit trail through the desk', async () => {
  const decided = await t.api(
    'agent2',
    'POST',
    `/v1/orders/${orderId}/claims/claim-desk/decision`,
    {
      decision: 'reject',
      reasonCode: 'insufficient_evidence',
      note: '外箱完好',
    },
  );
  assert.equal(decided.status, 200);
  const senior = await deskFor('senior1');
  const pack = value(
    await senior.call('disputes.evidencePack', { claimId: 'claim-desk' }),
  ) as MethodOutput<'disputes.evidencePack'>;
  assert.equal(Buffer.from(pack.base64, 'base64').subarray(0, 5).toString('latin1'), '%PDF-');
  const exported = value(
    await senior.call('disputes.auditExport', { claimId: 'claim-desk' }),
  ) as MethodOutput<'disputes.auditExport'>;
  const actions = exported.text
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { action: string }).action);
  assert.deepEqual(actions, [
    'file_claim',
    'assigned',
    'note_added',
    'decide_claim',
    'evidence_pack_exported',
  ]);
  const metrics = value(
    await senior.call('disputes.metrics', {}),
  ) as MethodOutput<'disputes.metrics'>;
  assert.deepEqual(metrics.approvalRate, { approved: 0, rejected: 1, rate: 0 });
});

test('a seller desk sees its claims and uploads evidence, but never the agent desk', async () => {
  const seller = await deskFor('staff1');
  const mine = value(
    await seller.call('disputes.sellerClaims', {}),
  ) as MethodOutput<'disputes.sellerClaims'>;
  assert.deepEqual(
    mine.claims.map((c) => c.claimId),
    ['claim-desk'],
  );
  const other = await deskFor('staff2');
  const theirs = value(
    await other.call('disputes.sellerClaims', {}),
  ) as MethodOutput<'disputes.sellerClaims'>;
  assert.deepEqual(theirs.claims, []);
  for (const method of ['disputes.queue', 'disputes.metrics'] as const) {
    const r = await seller.call(method, {});
    assert.equal(r.ok ? 'ok' : r.error.code, 'forbidden');
  }
  const r = await seller.call('disputes.case', { claimId: 'claim-desk' });
  assert.equal(r.ok ? 'ok' : r.error.code, 'forbidden');
  const up = value(
    await seller.call('disputes.uploadEvidence', {
      name: '发货单.png',
      mime: 'image/png',
      base64: PNG.toString('base64'),
    }),
  ) as MethodOutput<'disputes.uploadEvidence'>;
  assert.equal(up.evidence.sha256, createHash('sha256').update(PNG).digest('hex'));
  assert.equal(up.evidence.name, '发货单.png');
});
