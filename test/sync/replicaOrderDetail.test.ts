import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deskContract } from '../../shared/contract/deskContract.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { buyerActor, paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { deskHandle, openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';
import type { TestDesk } from './syncTestDesk.ts';

let server: SyncTestServer;
let dir: string;
let desk: TestDesk;

before(async () => {
  server = await startSyncServer('sync_replica_order_detail');
  dir = tempDir();
});
after(async () => {
  desk?.close();
  await server.close();
  removeDir(dir);
});

interface Detail {
  timeline: {
    version: number;
    type: string;
    at: number;
    commandId: string;
    actor: { role: string; userId: string };
  }[];
  postings: {
    seq: number;
    txnId: string;
    commandId: string;
    kind: string;
    legs: { account: string; amountFen: number }[];
    provisional?: boolean;
  }[];
}

test('orders.get in server mode shows the whole timeline with time and actor, and balanced journal rows, from the replica', async () => {
  const staff = server.actors.get('staff1')!;
  await paidOrder(server, 'o1', 10_000);
  desk = openDesk(join(dir, 'desk.sqlite'), server.url, server.tokens.get('staff1')!, staff);
  const handle = deskHandle(desk, server.url, server.tokens.get('staff1')!, staff);
  const get = async (): Promise<Detail> => {
    const r = await handle('orders.get', { orderId: 'o1' });
    assert.ok(r?.ok, JSON.stringify(r));
    // The answer must be what the contract promises the renderer.
    return deskContract['orders.get'].output.parse(r.value) as Detail;
  };

  // Bootstrap: created and paid arrive with the snapshot.
  await syncUntilDone(desk);
  let d = await get();
  assert.deepEqual(
    d.timeline.map((e) => [e.version, e.type, e.actor.role, e.actor.userId]),
    [
      [1, 'order_created', 'buyer', 'b1'],
      [2, 'payment_confirmed', 'bank', 'bank:icbc'],
    ],
  );
  assert.equal(d.postings.length, 1);
  assert.equal(d.postings[0]!.provisional, undefined);

  // The seller ships from the desk; the buyer asks for a refund on the server; the seller
  // agrees on the desk, which shows the refund's money as provisional until the server answers.
  const shipped = await handle('shipments.ship', {
    commandId: uuidv7(),
    orderId: 'o1',
    carrier: 'sf',
    trackingNo: 'SF100000000001',
  });
  assert.ok(shipped?.ok, JSON.stringify(shipped));
  await syncUntilDone(desk);
  const asked = await server.act(buyerActor('b1'), {
    type: 'request_refund',
    orderId: 'o1',
    refundId: 'r1',
    kind: 'refund_only',
    amountFen: 4_000,
    reason: 'one box arrived crushed',
  });
  assert.ok(asked.ok, JSON.stringify(asked));
  await syncUntilDone(desk);
  const agreed = await handle('refunds.agree', {
    commandId: uuidv7(),
    orderId: 'o1',
    refundId: 'r1',
  });
  assert.ok(agreed?.ok);
  d = await get();
  const pending = d.postings.filter((p) => p.provisional);
  assert.ok(pending.length > 0, 'the pending refund shows its money, marked provisional');
  for (const p of pending) assert.equal(p.seq, 0);

  await syncUntilDone(desk);
  d = await get();

  // Every event the server recorded, in order, each with its time and actor.
  const events = await server.db.query<{ version: number; command_id: string; type: string }>(
    `SELECT version, command_id, event->>'type' AS type FROM order_events
      WHERE order_id = 'o1' ORDER BY version`,
  );
  assert.deepEqual(
    d.timeline.map((e) => [e.version, e.type, e.commandId]),
    events.rows.map((r) => [Number(r.version), r.type, r.command_id]),
  );
  assert.ok(d.timeline.some((e) => e.type === 'order_shipped' && e.actor.userId === 'staff1'));
  assert.ok(d.timeline.some((e) => e.type === 'refund_requested' && e.actor.role === 'buyer'));
  assert.ok(d.timeline.some((e) => e.type === 'refund_completed' && e.actor.userId === 'staff1'));
  for (const e of d.timeline) assert.ok(Number.isSafeInteger(e.at) && e.at > 0);

  // The journal rows are the server's, each balanced, none provisional any more.
  const txns = await server.db.query<{ seq: number; txn_id: string; command_id: string }>(
    `SELECT seq, txn_id, command_id FROM ledger_transactions WHERE order_id = 'o1' ORDER BY seq`,
  );
  assert.ok(txns.rows.length >= 2, 'payment and refund were posted');
  assert.deepEqual(
    d.postings.map((p) => [p.seq, p.txnId, p.commandId, p.provisional ?? false]),
    txns.rows.map((r) => [Number(r.seq), r.txn_id, r.command_id, false]),
  );
  for (const p of d.postings) {
    assert.equal(
      p.legs.reduce((s, l) => s + l.amountFen, 0),
      0,
      `${p.kind} legs sum to zero`,
    );
  }
  // Agreeing to a partial refund of a shipped order splits the escrow between buyer and seller.
  assert.deepEqual(
    d.postings.map((p) => p.kind),
    ['payment_confirmed', 'escrow_split'],
  );
});
