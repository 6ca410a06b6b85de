import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SyncStatus } from '../../electron/core/sync/syncStatus.ts';
import { startFaultProxy } from './faultProxy.ts';
import type { FaultProxy } from './faultProxy.ts';
import { assertConverged } from './syncInvariants.ts';
import type { Enqueued } from './syncInvariants.ts';
import { buyerActor, paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';

let server: SyncTestServer;
let proxy: FaultProxy;
let dir: string;
const ORDERS = 520;
const id = (i: number) => `o${String(i).padStart(4, '0')}`;

before(async () => {
  server = await startSyncServer('sync_offline', { sellers: 2, buyers: 1 });
  proxy = await startFaultProxy(server.url, { seed: 1 });
  dir = tempDir();
  for (let i = 1; i <= ORDERS; i += 5) {
    await Promise.all(
      [0, 1, 2, 3, 4].filter((k) => i + k <= ORDERS).map((k) => paidOrder(server, id(i + k))),
    );
  }
});
after(async () => {
  await proxy.close();
  await server.close();
  removeDir(dir);
});

test('a desk that acts 500 times offline ends consistent after reconnecting, conflicts shown as issues', async () => {
  const a = openDesk(
    join(dir, 'a.sqlite'),
    proxy.url,
    server.tokens.get('staff1')!,
    server.actors.get('staff1')!,
  );
  const b = openDesk(
    join(dir, 'b.sqlite'),
    server.url,
    server.tokens.get('staff2')!,
    server.actors.get('staff2')!,
  );
  await syncUntilDone(a);
  await syncUntilDone(b);
  const seen: SyncStatus[] = [];
  const unsubscribe = a.client.subscribe((s) => seen.push(s));

  proxy.setOffline(true);
  await assert.rejects(a.client.syncOnce());
  assert.equal(a.client.status().state, 'offline');
  assert.equal(a.client.status().online, false);

  const aEnqueued: Enqueued[] = [];
  for (let i = 1; i <= 500; i++) {
    const r = a.client.enqueue({
      type: 'ship',
      orderId: id(i),
      carrier: 'SF Express',
      trackingNo: `SF${100000 + i}`,
    });
    aEnqueued.push({ mutationId: r.mutationId, commandId: r.commandId });
  }
  assert.equal(a.client.status().pendingMutations, 500);
  assert.equal(a.client.getOrder(id(7))?.order.status, 'shipped');
  assert.equal(a.client.getOrder(id(7))?.provisional, true);
  // Shipping moves no money: the provisional journal is empty, the confirmed one unchanged.
  assert.equal(a.client.provisionalLegs().length, 0);

  // Meanwhile: buyers ask for refunds on 40 of those orders; the other desk agrees to 30.
  for (let i = 1; i <= 40; i++) {
    const r = await server.act(buyerActor('b1'), {
      type: 'request_refund',
      orderId: id(i),
      refundId: `r${i}`,
      kind: 'refund_only',
      amountFen: 10_000,
      reason: 'ordered twice',
    });
    assert.equal(r.ok, true);
  }
  await syncUntilDone(b);
  const bEnqueued: Enqueued[] = [];
  for (let i = 1; i <= 30; i++) {
    const r = b.client.enqueue({ type: 'agree_refund', orderId: id(i), refundId: `r${i}` });
    bEnqueued.push({ mutationId: r.mutationId, commandId: r.commandId });
  }
  await syncUntilDone(b);
  assert.equal(b.client.confirmedOrder(id(1))?.status, 'refunded');

  proxy.setOffline(false);
  a.client.notifyOnline();
  await syncUntilDone(a);
  await syncUntilDone(b);
  unsubscribe();

  const { applied, rejected } = await assertConverged(server, [
    { desk: a, enqueued: aEnqueued },
    { desk: b, enqueued: bEnqueued },
  ]);
  assert.equal(applied + rejected, 530);
  // The 30 refunded orders refuse the offline ship as over; the 10 with a refund still open
  // refuse it until the refund is answered. Each is an issue that says why and what to do.
  const issues = a.client.issues();
  assert.deepEqual(
    issues.map((i) => i.orderId),
    Array.from({ length: 40 }, (_, k) => id(k + 1)),
  );
  for (const issue of issues.slice(0, 30)) {
    assert.equal(issue.command.type, 'ship');
    assert.equal(issue.error.code, 'invalid_state');
    assert.equal(issue.baseState?.status, 'funds_held');
    assert.equal(issue.currentState?.status, 'refunded');
    assert.match(issue.whatChanged, /funds_held → refunded/);
    assert.deepEqual(issue.nextActions, ['view_order', 'acknowledge']);
  }
  for (const issue of issues.slice(30)) {
    assert.equal(issue.error.code, 'refund_open');
    assert.equal(issue.currentState?.status, 'funds_held');
    assert.match(
      issue.whatChanged,
      new RegExp(`refund r${issue.orderId.slice(1).replace(/^0+/, '')} is requested`),
    );
    assert.deepEqual(issue.nextActions, [
      'view_order',
      'handle_open_refund',
      'retry',
      'acknowledge',
    ]);
  }
  assert.equal(a.client.getOrder(id(41))?.order.status, 'shipped');
  assert.equal(a.client.getOrder(id(41))?.provisional, false);
  const last = a.client.status();
  assert.equal(last.state, 'idle');
  assert.equal(last.online, true);
  assert.equal(last.pendingMutations, 0);
  assert.equal(last.openIssues, 40);
  assert.ok(last.lastSyncedAt !== null);
  assert.ok(seen.some((s) => s.state === 'syncing'));
  a.close();
  b.close();
});
