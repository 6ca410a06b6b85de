import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createEscrowService } from '../../electron/core/escrow/escrowService.ts';
import { openDatabase } from '../../electron/core/store/openDatabase.ts';
import type { Db } from '../../electron/core/store/openDatabase.ts';
import { createCoreHandlers } from '../../electron/host/coreHandlers.ts';
import { createReplicaHandlers } from '../../electron/host/replicaHandlers.ts';
import type { Actor, EscrowCommand, OrderStatus } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { bankActor, buyerActor, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';
import type { TestDesk } from './syncTestDesk.ts';

/**
 * The same few hundred orders, made at the same moments (four to a millisecond, so the cursor's
 * tie-break on order id matters), in a local-mode store and on a central server a desk
 * replicates; then the same orders shipped in both, on the desk without syncing (provisional).
 * Paging through either mode must give every order exactly once, newest first, and the same.
 */
const ORDERS = 240;
const BASE = Date.UTC(2026, 10, 1);
let clockNow = BASE;
let server: SyncTestServer;
let dir: string;
let desk: TestDesk;
let localDb: Db;
const staff: Actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' };
const orderIds: string[] = [];
const shipped = new Set<string>();

type Handle = (method: 'orders.list', input: unknown) => Promise<unknown>;
let replicaList: Handle;
let localList: Handle;

const commandsFor = (orderId: string, i: number): [Actor, EscrowCommand][] => [
  [
    buyerActor('b1'),
    {
      type: 'create_order',
      orderId,
      merchantId: 'm1',
      buyerId: 'b1',
      currency: 'CNY',
      amountFen: 1_000 + i,
      feeBps: 60,
      goodsKind: 'express',
      item: { title: 'Tea, 250 g', quantity: 1 },
    },
  ],
  [
    bankActor,
    {
      type: 'confirm_payment',
      orderId,
      bank: 'icbc',
      bankRef: `ref-${orderId}`,
      currency: 'CNY',
      amountFen: 1_000 + i,
    },
  ],
];

before(async () => {
  server = await startSyncServer('sync_replica_order_list', { clock: { now: () => clockNow } });
  dir = tempDir();
  localDb = openDatabase(join(dir, 'local.sqlite'));
  const service = createEscrowService(localDb);
  const core = createCoreHandlers(localDb, service, () => undefined);
  for (let i = 0; i < ORDERS; i++) {
    // Ids out of creation order, so newest-first is not id order.
    const orderId = `o${String((i * 37) % ORDERS).padStart(4, '0')}`;
    orderIds.push(orderId);
    clockNow = BASE + Math.floor(i / 4) * 1000;
    for (const [actor, command] of commandsFor(orderId, i)) {
      const remote = await server.act(actor, command);
      assert.ok(remote.ok, JSON.stringify(remote));
      const local = service.apply({ commandId: uuidv7(), actor, command }, clockNow);
      assert.ok(local.ok, JSON.stringify(local));
    }
  }
  clockNow = BASE + ORDERS * 1000;
  desk = openDesk(join(dir, 'desk.sqlite'), server.url, server.tokens.get('staff1')!, staff, {
    now: () => clockNow,
  });
  await syncUntilDone(desk);
  const replica = createReplicaHandlers(desk.client);
  replicaList = (method, input) => replica(method, input, staff);
  localList = async (method, input) => core(method, input, staff, clockNow);

  // Every seventh order is shipped: in local mode for real, in server mode still pending.
  for (const [n, orderId] of orderIds.entries()) {
    if (n % 7 !== 3) continue;
    shipped.add(orderId);
    const input = {
      commandId: uuidv7(),
      orderId,
      carrier: 'sf',
      trackingNo: `SF${100_000_000_000 + n}`,
    };
    const a = await replica('shipments.ship', input, staff);
    assert.ok(a?.ok, JSON.stringify(a));
    const b = core('shipments.ship', { ...input, commandId: uuidv7() }, staff, clockNow);
    assert.ok(b.ok, JSON.stringify(b));
  }
});
after(async () => {
  desk?.close();
  localDb?.close();
  await server.close();
  removeDir(dir);
});

interface Page {
  orders: { orderId: string; status: OrderStatus; createdAt: number; merchantId: string }[];
  nextCursor: string | null;
}

async function pageThrough(list: Handle, query: Record<string, unknown>, limit: number) {
  const seen: Page['orders'] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const r = (await list('orders.list', {
      ...query,
      limit,
      ...(cursor ? { afterCursor: cursor } : {}),
    })) as { ok: boolean; value: Page };
    assert.ok(r.ok, JSON.stringify(r));
    seen.push(...r.value.orders);
    cursor = r.value.nextCursor;
    if (cursor === null) return seen;
  }
  assert.fail('paging did not end');
}

function newestFirst(ids: Iterable<string>): string[] {
  const at = new Map(orderIds.map((id, i) => [id, BASE + Math.floor(i / 4) * 1000]));
  return [...ids].sort((a, b) => at.get(b)! - at.get(a)! || (a < b ? 1 : -1));
}

test('paging through the orders gives each exactly once, newest first, the same in local and server mode', async () => {
  assert.ok(desk.client.pendingCount() > 0, 'the desk still has shipments pending');
  const expectAll = newestFirst(orderIds);
  const expectShipped = newestFirst(shipped);
  const expectHeld = newestFirst(orderIds.filter((id) => !shipped.has(id)));
  for (const [name, list] of [
    ['server', replicaList],
    ['local', localList],
  ] as const) {
    for (const limit of [1, 7, 50, 500]) {
      const all = await pageThrough(list, {}, limit);
      assert.deepEqual(
        all.map((o) => o.orderId),
        expectAll,
        `${name} mode, pages of ${limit}`,
      );
      assert.ok(all.every((o) => o.merchantId === 'm1'));
      for (const o of all)
        assert.equal(o.status, shipped.has(o.orderId) ? 'shipped' : 'funds_held', o.orderId);
    }
    const onlyShipped = await pageThrough(list, { status: 'shipped' }, 9);
    assert.deepEqual(
      onlyShipped.map((o) => o.orderId),
      expectShipped,
      `${name} mode: shipped, including pending shipments`,
    );
    const held = await pageThrough(list, { status: 'funds_held', merchantId: 'm1' }, 13);
    assert.deepEqual(
      held.map((o) => o.orderId),
      expectHeld,
      `${name} mode: still held`,
    );
  }

  // Once the desk has synced, the shipments are confirmed and the pages are unchanged.
  await syncUntilDone(desk);
  assert.equal(desk.client.pendingCount(), 0);
  const after = await pageThrough(replicaList, { status: 'shipped' }, 9);
  assert.deepEqual(
    after.map((o) => o.orderId),
    expectShipped,
  );
});
