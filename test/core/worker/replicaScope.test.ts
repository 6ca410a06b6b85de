import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { createOutbox } from '../../../electron/core/sync/outbox.ts';
import { createSyncMeta } from '../../../electron/core/sync/syncMeta.ts';
import { openForScope } from '../../../electron/core/worker/replicaScope.ts';

// A role or merchant change starts the replica over and carries the queued actions into the
// new file. Until that file is whole, the old one must still hold them.

const admin = { role: 'seller_admin', userId: 'boss', merchantId: 'm1' } as const;
const staff = { role: 'seller_staff', userId: 'boss', merchantId: 'm1' } as const;

function queuedIds(db: Db): string[] {
  return createOutbox(db, createSyncMeta(db))
    .all()
    .map((r) => r.commandId);
}

test('a start-over that fails half-way keeps the queued actions for the next try', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'desk-scope-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'boss.sqlite');
  const first = openForScope(file, admin, openDatabase);
  const meta = createSyncMeta(first);
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
