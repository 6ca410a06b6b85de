import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { paidOrder } from '../../../bench/paidOrder.ts';
import { createReplicaOrderPage } from '../../../electron/core/replica/replicaOrderPage.ts';
import { createReplicaStore } from '../../../electron/core/replica/replicaStore.ts';
import {
  SEARCH_COUNT_CAP,
  createSearchModels,
} from '../../../electron/core/replica/searchModels.ts';
import { createOutbox } from '../../../electron/core/sync/outbox.ts';
import { createProvisionalOverlay } from '../../../electron/core/sync/provisionalOverlay.ts';
import { createSyncMeta } from '../../../electron/core/sync/syncMeta.ts';
import { migrate } from '../../../electron/core/store/migrate.ts';
import { MIGRATIONS } from '../../../electron/core/store/migrations/index.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import type { Actor, OrderState } from '../../../shared/escrow/types.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import { tempDb } from '../helpers/tempDb.ts';
import { TEST_RECIPIENT } from '../../fixtures/testRecipient.ts';

const SELLER: Actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' };
const T0 = Date.UTC(2026, 0, 5);
const sha256 = (text: string) => hash('sha256', text, 'hex');

function paid(i: number): OrderState {
  return paidOrder({
    i,
    orderId: `o${i}`,
    title: `Oolong ${i}`,
    at: T0 + i * 1000,
    seq: i,
    prevHash: GENESIS_HASH,
    sha256,
  }).state;
}

/** FTS5's own check, against the content table too (rank 1): a wrong removal shows here. */
function searchIndexIntact(db: Db): void {
  db.prepare("INSERT INTO order_fts (order_fts, rank) VALUES ('integrity-check', 1)").run();
}

function desk(db: Db, actor: Actor = SELLER) {
  const replica = createReplicaStore(db);
  const meta = createSyncMeta(db);
  const outbox = createOutbox(db, meta);
  const overlay = createProvisionalOverlay(db, replica, outbox, () => actor);
  const search = createSearchModels(db);
  const page = createReplicaOrderPage(db);
  const ship = (orderId: string, trackingNo: string) =>
    db
      .transaction(() => {
        outbox.append({
          commandId: `ship-${orderId}`,
          command: { type: 'ship', orderId, carrier: 'sf', trackingNo },
          clientTime: T0,
          baseState: replica.confirmedOrder(orderId),
          baseVersion: replica.confirmedOrder(orderId)?.version ?? null,
        });
        overlay.rebuild([orderId], T0 + 10_000);
      })
      .immediate();
  const find = (text: string, queue?: 'awaiting_shipment') =>
    search.searchOrders({ merchantId: 'm1', text, queue, offset: 0, limit: 50 }, SELLER, T0);
  return { replica, outbox, overlay, meta, page, ship, find };
}

test('a pulled order is found by its text, listed and queued for shipping', (t) => {
  const { db } = tempDb(t);
  const d = desk(db);
  db.transaction(() => [1, 2, 3].forEach((i) => d.replica.putOrder(paid(i)))).immediate();
  assert.deepEqual(
    d.find('Oolong 2').rows.map((r) => r.orderId),
    ['o2'],
  );
  assert.equal(d.find('', 'awaiting_shipment').total, 3);
  assert.deepEqual(
    d.page({ merchantId: 'm1', limit: 2 }).orders.map((o) => o.orderId),
    ['o3', 'o2'],
  );
  const next = d.page({ merchantId: 'm1', limit: 2, after: [T0 + 2000, 'o2'] });
  assert.deepEqual(
    next.orders.map((o) => o.orderId),
    ['o1'],
  );
  assert.equal(next.more, false);
});

test('a queued ship is what lists and search show until the server confirms or drops it', (t) => {
  const { db } = tempDb(t);
  const d = desk(db);
  db.transaction(() => [1, 2].forEach((i) => d.replica.putOrder(paid(i)))).immediate();
  d.ship('o1', 'SF1234567890123');

  assert.deepEqual(
    d.find('SF1234567890123').rows.map((r) => [r.orderId, r.status, r.pendingSync]),
    [['o1', 'shipped', true]],
  );
  assert.deepEqual(
    d.find('', 'awaiting_shipment').rows.map((r) => r.orderId),
    ['o2'],
  );
  assert.equal(d.page({ merchantId: 'm1', status: 'shipped', limit: 5 }).orders[0]?.orderId, 'o1');

  // A newer confirmed copy that still says funds_held does not hide the pending ship.
  db.transaction(() =>
    d.replica.putOrder({ ...paid(1), version: paid(1).version + 1 }),
  ).immediate();
  assert.equal(d.find('SF1234567890123').rows[0]?.status, 'shipped');

  // The server refused it: the overlay is dropped and the confirmed state is shown again.
  db.transaction(() => {
    d.outbox.dropThrough(1);
    d.overlay.rebuild(['o1'], T0 + 20_000);
  }).immediate();
  assert.equal(d.find('SF1234567890123').total, 0);
  assert.deepEqual(
    d.find('', 'awaiting_shipment').rows.map((r) => r.orderId),
    ['o1', 'o2'],
  );
  searchIndexIntact(db);
});

test('an order made on this desk and refused by the server leaves no row behind', (t) => {
  const { db } = tempDb(t);
  const d = desk(db, { role: 'buyer', userId: 'b1' });
  db.transaction(() => {
    d.outbox.append({
      commandId: 'create-o9',
      command: {
        type: 'create_order',
        orderId: 'o9',
        merchantId: 'm1',
        buyerId: 'b1',
        currency: 'CNY',
        amountFen: 500,
        feeBps: 60,
        goodsKind: 'express',
        recipient: TEST_RECIPIENT,
        item: { title: 'Offline tea', quantity: 1 },
      },
      clientTime: T0,
      baseState: null,
      baseVersion: null,
    });
    d.overlay.rebuild(['o9'], T0);
  }).immediate();
  assert.equal(d.find('Offline tea').total, 1);
  db.transaction(() => {
    d.outbox.dropThrough(1);
    d.overlay.rebuild(['o9'], T0);
  }).immediate();
  assert.equal(d.find('Offline tea').total, 0);
  assert.equal(d.page({ merchantId: 'm1', limit: 5 }).orders.length, 0);
  searchIndexIntact(db);
});

test("an order's first confirmed copy, arriving while an action on it is queued, is not shown over it", (t) => {
  const { db } = tempDb(t);
  const d = desk(db);
  db.transaction(() => d.replica.putOrder(paid(4))).immediate();
  d.ship('o4', 'SF4400112233');
  // The row the overlay wrote is the order's only row: delete the confirmed copy's, as for an
  // order made on this desk, whose first confirmed copy is new to the replica.
  db.prepare("DELETE FROM sync_orders WHERE order_id = 'o4'").run();
  db.transaction(() => d.replica.putOrder({ ...paid(4), version: 9 })).immediate();
  assert.deepEqual(
    d.find('SF4400112233').rows.map((r) => [r.orderId, r.status, r.pendingSync]),
    [['o4', 'shipped', true]],
  );
  assert.equal(d.find('', 'awaiting_shipment').total, 0);
  // A confirmed copy of an order nobody queued anything on is shown at once.
  db.transaction(() => d.replica.putOrder(paid(5))).immediate();
  assert.deepEqual(
    d.find('', 'awaiting_shipment').rows.map((r) => r.orderId),
    ['o5'],
  );
  searchIndexIntact(db);
});

test('a replica written by the first schema keeps its search after migration 0002', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'desk-lookup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'replica.db');
  const old = new Database(file);
  migrate(old, MIGRATIONS.slice(0, 1));
  const shipped: OrderState = {
    ...paid(2),
    status: 'shipped',
    shipment: { carrier: 'sf', trackingNo: 'SF7700112233', shippedAt: T0 },
  };
  const put = old.prepare(
    `INSERT INTO sync_orders (order_id, merchant_id, status, version, created_at, state_json)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const o of [paid(1), shipped])
    put.run(o.orderId, o.merchantId, o.status, o.version, o.createdAt, JSON.stringify(o));
  old.close();

  const db = openDatabase(file);
  t.after(() => db.close());
  const d = desk(db);
  assert.deepEqual(
    d.find('Oolong 1').rows.map((r) => r.orderId),
    ['o1'],
  );
  assert.deepEqual(
    d.find('7700112').rows.map((r) => r.orderId),
    ['o2'],
  );
  searchIndexIntact(db);
});

test('a search counts its matches up to the cap and says so, short text or long', (t) => {
  const { db } = tempDb(t);
  const d = desk(db);
  const n = SEARCH_COUNT_CAP + 5;
  db.transaction(() => {
    for (let i = 1; i <= n; i++) d.replica.putOrder(paid(i));
  }).immediate();

  const short = d.find('oo');
  assert.equal(short.total, SEARCH_COUNT_CAP);
  assert.equal(short.totalCapped, true);
  assert.equal(short.rows[0]?.orderId, `o${n}`);

  const rare = d.find('zq');
  assert.equal(rare.totalCapped, false);
  assert.equal(rare.total, 0);

  const long = d.find('Oolong');
  assert.equal(long.total, SEARCH_COUNT_CAP);
  assert.equal(long.totalCapped, true);
  assert.deepEqual(
    long.rows.slice(0, 2).map((r) => r.orderId),
    [`o${n}`, `o${n - 1}`],
  );
  const narrow = d.find('Oolong 100');
  assert.equal(narrow.totalCapped, false);
  assert.equal(narrow.total, 7); // Oolong 100, 1000..1005
  const none = d.find('', undefined);
  assert.equal(none.total, n);
  assert.equal(none.totalCapped, false);
});
