import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { login } from '../../server/auth/sessions.ts';
import { createUser } from '../../server/auth/users.ts';
import { openDatabase } from '../../electron/core/store/openDatabase.ts';
import { createSyncMeta } from '../../electron/core/sync/syncMeta.ts';
import { openForScope } from '../../electron/core/worker/replicaScope.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';
import { paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';

// A replica holds what its user's scope showed when it was pulled. A seller admin demoted to
// staff on the server must not keep the buyers' full recipients on this computer, and what they
// queued before must still reach the server, once.

let server: SyncTestServer;
let dir: string;
const PASSWORD = 'correct horse battery';

before(async () => {
  server = await startSyncServer('sync_role_change');
  dir = tempDir();
  await createUser(
    server.db,
    {
      userId: 'boss',
      username: 'boss',
      displayName: 'boss',
      password: PASSWORD,
      role: 'seller_admin',
      merchantId: 'm1',
    },
    Date.now(),
  );
  for (let i = 1; i <= 3; i++) await paidOrder(server, `rc${i}`);
});
after(async () => {
  await server.close();
  removeDir(dir);
});

async function signIn() {
  const s = await login(server.db, 'boss', PASSWORD, Date.now(), 3600_000);
  if (!s) throw new Error('boss cannot sign in');
  return s;
}

const fileText = (file: string) =>
  ['', '-wal']
    .map((suffix) => {
      try {
        return readFileSync(file + suffix).toString('utf8');
      } catch {
        return '';
      }
    })
    .join('');

test('a user whose role changed starts a new replica for the new scope, keeping what they queued', async () => {
  const file = join(dir, 'boss.sqlite');
  const admin = await signIn();
  const first = openDesk(file, server.url, admin.token, admin.actor, {
    openDb: (f) => openForScope(f, admin.actor, openDatabase),
  });
  await syncUntilDone(first);
  assert.ok(fileText(file).includes(TEST_RECIPIENT.mobile), 'an admin is shown the full mobile');
  const clientId = first.client.clientId;
  // Queued, never sent: the desk was offline when the admin noted this.
  const queued = first.client.enqueue({
    type: 'annotate_order',
    orderId: 'rc2',
    note: '周末不送',
    flag: 'red',
  });
  first.close();

  // Signed in again after the same scope: the same replica, nothing downloaded again.
  const again = openDesk(file, server.url, admin.token, admin.actor, {
    openDb: (f) => openForScope(f, admin.actor, openDatabase),
  });
  assert.equal(again.client.clientId, clientId);
  again.close();

  await server.db.query("UPDATE users SET role = 'seller_staff' WHERE user_id = 'boss'");
  const staff = await signIn();
  assert.equal(staff.actor.role, 'seller_staff');
  const desk = openDesk(file, server.url, staff.token, staff.actor, {
    openDb: (f) => openForScope(f, staff.actor, openDatabase),
  });
  try {
    assert.notEqual(desk.client.clientId, clientId, 'a new replica, a new sync client');
    assert.equal(createSyncMeta(desk.db).get('scope'), 'seller_staff:m1');
    assert.equal(createSyncMeta(desk.db).get('cookie'), null);
    assert.ok(
      !fileText(file).includes(TEST_RECIPIENT.mobile),
      'nothing of the admin scope is left',
    );
    const carried = desk.db
      .prepare('SELECT command_id, order_id, base_state_json FROM sync_outbox')
      .all();
    assert.deepEqual(carried, [
      { command_id: queued.commandId, order_id: 'rc2', base_state_json: null },
    ]);

    await syncUntilDone(desk);
    const shown = desk.client.getOrder('rc2')?.order;
    assert.equal(shown?.sellerNote, '周末不送');
    assert.equal(shown?.recipient?.masked, true);
    assert.ok(!fileText(file).includes(TEST_RECIPIENT.mobile), 'pulled again, masked');
    const notes = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM order_events
        WHERE order_id = 'rc2' AND event->>'type' = 'order_annotated'`,
    );
    assert.equal(notes.rows[0]?.n, 1, 'applied once');
  } finally {
    desk.close();
  }
});
