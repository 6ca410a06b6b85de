import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { createOutbox } from '../../../electron/core/sync/outbox.ts';
import { createSyncMeta } from '../../../electron/core/sync/syncMeta.ts';
import { createSyncIssues } from '../../../electron/core/sync/syncIssues.ts';
import { openForScope } from '../../../electron/core/worker/replicaScope.ts';
import type { OrderState } from '../../../shared/escrow/types.ts';

// A role or merchant change starts the replica over and carries the queued actions into the
// new file. Until that file is whole, the old one must still hold them.

const admin = { role: 'seller_admin', userId: 'boss', merchantId: 'm1' } as const;
const staff = { role: 'seller_staff', userId: 'boss', merchantId: 'm1' } as const;

function queuedIds(db: Db): string[] {
  return createOutbox(db, createSyncMeta(db))
    .all()
    .map((r) => r.commandId);
}

/** The admin's replica file, opened for its scope, in a folder removed after the test. */
function adminReplica(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'desk-scope-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'boss.sqlite');
  const first = openForScope(file, admin, openDatabase);
  return { dir, file, first, meta: createSyncMeta(first) };
}

test('a start-over that fails half-way keeps the queued actions for the next try', (t) => {
  const { dir, file, first, meta } = adminReplica(t);
  first.transaction(() => {
    meta.set('cookie', 'l1.7');
    createOutbox(first, meta).append({
      commandId: 'note-1',
      command: { type: 'annotate_order', orderId: 'o1', note: '周末不送', flag: null },
      clientTime: 0,
      baseState: null,
      baseVersion: 3,
    });
  })();
  first.close();

  // The new file cannot be made (the disk is full, the process dies): nothing is lost.
  let opens = 0;
  const failing = (f: string) => {
    if (++opens === 2) throw new Error('disk full');
    return openDatabase(f);
  };
  assert.throws(() => openForScope(file, staff, failing), /disk full/);
  const kept = openDatabase(file);
  assert.deepEqual(queuedIds(kept), ['note-1']);
  kept.close();

  const second = openForScope(file, staff, openDatabase);
  assert.deepEqual(queuedIds(second), ['note-1']);
  assert.equal(createSyncMeta(second).get('cookie'), null, 'the replica itself starts over');
  second.close();
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('rescope')),
    [],
    'no half-made file is left',
  );
});

test('refusals not yet dismissed come along, without the old scope’s order copies', (t) => {
  const { file, first, meta } = adminReplica(t);
  const ship = { type: 'ship', orderId: 'o1', carrier: 'sf', trackingNo: 'SF1234567890' } as const;
  const order = { orderId: 'o1', recipient: { name: '王小明' } } as unknown as OrderState;
  first.transaction(() => {
    meta.set('cookie', 'l1.7');
    const issues = createSyncIssues(first, () => null);
    for (const [mutationId, code] of [
      [1, 'invalid_state'],
      [2, 'refund_open'],
    ] as const)
      issues.record({
        mutationId,
        commandId: `ship-${mutationId}`,
        command: ship,
        error: { code, message: `refused ${mutationId}` },
        baseState: order,
        currentState: order,
        nowMs: 1000 + mutationId,
      });
    issues.acknowledge(1, 2000);
  })();
  first.close();

  const second = openForScope(file, staff, openDatabase);
  t.after(() => second.close());
  const issues = createSyncIssues(second, () => null);
  const carried = issues.list();
  assert.deepEqual(
    carried.map((i) => [i.commandId, i.error.code, i.createdAt]),
    [['ship-2', 'refund_open', 1002]],
    'the open one, not the dismissed one',
  );
  assert.equal(carried[0]!.baseState, null, 'the admin’s copy of the order stays behind');
  assert.deepEqual(
    carried[0]!.nextActions,
    ['handle_open_refund', 'retry', 'acknowledge'],
    'no "view order" for an order the new scope has not shown',
  );
  assert.ok(!JSON.stringify(second.prepare('SELECT * FROM sync_issues').all()).includes('王小明'));
  // The new file's first mutation is 1 again; its refusal is a second issue, not a lost one.
  const id = createOutbox(second, createSyncMeta(second)).append({
    commandId: 'ship-new',
    command: ship,
    clientTime: 0,
    baseState: null,
    baseVersion: null,
  });
  assert.equal(id, 1);
  issues.record({
    mutationId: id,
    commandId: 'ship-new',
    command: ship,
    error: { code: 'invalid_state', message: 'refused again' },
    baseState: null,
    currentState: null,
    nowMs: 3000,
  });
  assert.deepEqual(
    issues
      .list()
      .map((i) => i.commandId)
      .sort(),
    ['ship-2', 'ship-new'],
  );
  assert.ok(issues.acknowledge(carried[0]!.mutationId, 4000), 'a carried one can be dismissed');
  assert.equal(issues.openCount(), 1);
});
