import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import { paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { deskHandle, openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';
import type { TestDesk } from './syncTestDesk.ts';

let server: SyncTestServer;
let dir: string;
let desk: TestDesk;

before(async () => {
  server = await startSyncServer('sync_replica_ship_many');
  dir = tempDir();
  for (const id of ['o1', 'o2', 'o3', 'o4', 'o5']) await paidOrder(server, id);
});
after(async () => {
  desk?.close();
  await server.close();
  removeDir(dir);
});

interface ShipManyResult {
  results: { orderId: string; ok: boolean; error: { code: string; message: string } | null }[];
}

test('in server mode shipMany queues one mutation per good row, and the shipments reach the server', async () => {
  const staff = server.actors.get('staff1')!;
  desk = openDesk(join(dir, 'desk.sqlite'), server.url, server.tokens.get('staff1')!, staff);
  await syncUntilDone(desk);
  const handle = deskHandle(desk, server.url, server.tokens.get('staff1')!, staff);
  const items = [
    { commandId: uuidv7(), orderId: 'o1', carrier: 'sf', trackingNo: 'SF100000000001' },
    { commandId: uuidv7(), orderId: 'o2', carrier: 'sf', trackingNo: 'SF100000000002' },
    { commandId: uuidv7(), orderId: 'o3', carrier: 'sf', trackingNo: 'not a number' },
    { commandId: uuidv7(), orderId: 'o4', carrier: 'sf', trackingNo: 'SF100000000004' },
    { commandId: uuidv7(), orderId: 'nope', carrier: 'sf', trackingNo: 'SF100000000009' },
  ];
  const r = await handle('shipments.shipMany', { items });
  assert.ok(r?.ok, JSON.stringify(r));
  const { results } = r.value as ShipManyResult;
  assert.deepEqual(
    results.map((x) => [x.orderId, x.ok]),
    [
      ['o1', true],
      ['o2', true],
      ['o3', false],
      ['o4', true],
      ['nope', false],
    ],
  );
  assert.match(results[4]!.error!.message, /order_not_found/);

  // Queued as mutations with the rows' own command ids.
  const queued = desk.db
    .prepare<[], { command_id: string; order_id: string }>(
      'SELECT command_id, order_id FROM sync_outbox ORDER BY mutation_id',
    )
    .all();
  assert.deepEqual(
    queued.map((q) => [q.order_id, q.command_id]),
    [items[0]!, items[1]!, items[3]!].map((i) => [i.orderId, i.commandId]),
  );
  const retried = await handle('shipments.ship', items[1]!);
  assert.ok(retried?.ok, 'a retried ship with the same key answers ok');
  assert.equal(desk.client.pendingCount(), 3, 'and queues nothing more');
  const shown = await handle('orders.get', { orderId: 'o1' });
  assert.ok(shown?.ok);
  assert.equal((shown.value as { order: { status: string } }).order.status, 'shipped');

  await syncUntilDone(desk);
  assert.equal(desk.client.pendingCount(), 0);
  const onServer = await server.db.query<{ order_id: string; status: string; tracking: string }>(
    `SELECT order_id, status, state->'shipment'->>'trackingNo' AS tracking FROM orders
      ORDER BY order_id`,
  );
  assert.deepEqual(
    onServer.rows.map((o) => [o.order_id, o.status, o.tracking]),
    [
      ['o1', 'shipped', 'SF100000000001'],
      ['o2', 'shipped', 'SF100000000002'],
      ['o3', 'funds_held', null],
      ['o4', 'shipped', 'SF100000000004'],
      ['o5', 'funds_held', null],
    ],
  );
  const commands = await server.db.query<{ command_id: string }>(
    "SELECT command_id FROM commands WHERE command_type = 'ship' ORDER BY command_id",
  );
  assert.deepEqual(
    commands.rows.map((c) => c.command_id),
    [items[0]!, items[1]!, items[3]!].map((i) => i.commandId).sort(),
  );

  // The same rows sent again (a retried call, same keys) answer as before and queue nothing.
  const again = await handle('shipments.shipMany', { items });
  assert.ok(again?.ok);
  assert.deepEqual(
    (again.value as ShipManyResult).results.map((x) => [x.orderId, x.ok]),
    results.map((x) => [x.orderId, x.ok]),
  );
  assert.equal(desk.client.pendingCount(), 0);
  // A new key for an order already shipped is refused by the check, not queued.
  const fresh = await handle('shipments.shipMany', {
    items: [{ ...items[0]!, commandId: uuidv7() }],
  });
  assert.ok(fresh?.ok);
  assert.equal((fresh.value as ShipManyResult).results[0]!.ok, false);
  assert.equal(desk.client.pendingCount(), 0);
});

test('an order paid after the last pull is shipped: the desk catches up once and decides again', async () => {
  const staff = server.actors.get('staff1')!;
  const late = openDesk(join(dir, 'late.sqlite'), server.url, server.tokens.get('staff1')!, staff);
  try {
    await syncUntilDone(late);
    // Paid on the server after the desk's pull; this desk has no loop and no pokes running,
    // so its replica cannot have it yet.
    await paidOrder(server, 'fresh1');
    assert.equal(late.client.getOrder('fresh1'), null);
    const handle = deskHandle(late, server.url, server.tokens.get('staff1')!, staff);
    const r = await handle('shipments.ship', {
      commandId: uuidv7(),
      orderId: 'fresh1',
      carrier: 'sf',
      trackingNo: 'SF100000000077',
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal((r.value as { order: { status: string } }).order.status, 'shipped');
    await syncUntilDone(late);
    assert.equal(late.client.getOrder('fresh1')?.order.status, 'shipped');
    assert.equal(late.client.getOrder('fresh1')?.provisional, false);
  } finally {
    late.close();
  }
});
