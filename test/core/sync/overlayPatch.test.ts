import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { paidOrder } from '../../../bench/paidOrder.ts';
import { migrate } from '../../../electron/core/store/migrate.ts';
import { MIGRATIONS } from '../../../electron/core/store/migrations/index.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import { createReplicaStore } from '../../../electron/core/replica/replicaStore.ts';
import { createReplicaReads } from '../../../electron/core/replica/replicaReads.ts';
import {
  displayedStateSql,
  overlayPatch,
  withOverlay,
} from '../../../electron/core/sync/overlayPatch.ts';
import { decide } from '../../../shared/escrow/decide.ts';
import { evolve } from '../../../shared/escrow/evolve.ts';
import type { Actor, EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import { tempDb } from '../helpers/tempDb.ts';

const SELLER: Actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' };
const T0 = Date.UTC(2026, 0, 5);
const sha256 = (text: string) => hash('sha256', text, 'hex');

function paid(i = 1): OrderState {
  return paidOrder({
    i,
    orderId: `o${i}`,
    title: `茶叶 ${i}`,
    at: T0,
    seq: 1,
    prevHash: GENESIS_HASH,
    sha256,
  }).state;
}

function after(state: OrderState, command: EscrowCommand, at = T0 + 60_000): OrderState {
  const d = decide(state, command, { now: at, actor: SELLER });
  assert.ok(d.ok, d.ok ? '' : d.error.code);
  return d.events.reduce<OrderState | null>(evolve, state)!;
}

test('a patch holds only the fields the replay changed, and restores the whole state', () => {
  const confirmed = paid();
  const shipped = after(confirmed, {
    type: 'ship',
    orderId: 'o1',
    carrier: 'sf',
    trackingNo: 'SF1234567890',
  });
  const patch = JSON.parse(overlayPatch(shipped, confirmed)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(patch).sort(), ['autoConfirmAt', 'shipment', 'status', 'version']);
  assert.deepEqual(withOverlay(confirmed, overlayPatch(shipped, confirmed)), shipped);
  // Nulls are values, not removals: a field set back to null stays null.
  const annotated = after(confirmed, {
    type: 'annotate_order',
    orderId: 'o1',
    note: 'n',
    flag: 'red',
  });
  const cleared = after(annotated, { type: 'annotate_order', orderId: 'o1', note: '', flag: null });
  assert.equal(withOverlay(annotated, overlayPatch(cleared, annotated)).flag, null);
  assert.deepEqual(withOverlay(annotated, overlayPatch(cleared, annotated)), cleared);
});

test('a removed field and a missing confirmed state are carried by the patch', () => {
  const confirmed = { ...paid(), sellerNote: 'x' };
  const { sellerNote: _dropped, ...withoutNote } = confirmed;
  const state = withoutNote as OrderState;
  const shown = withOverlay(confirmed, overlayPatch(state, confirmed));
  assert.equal('sellerNote' in shown, false);
  assert.deepEqual(shown, state);
  assert.deepEqual(withOverlay(null, overlayPatch(state, null)), state);
});

test('the SQL readers and the JavaScript readers show the same displayed state', (t) => {
  const { db } = tempDb(t);
  const replica = createReplicaStore(db);
  const confirmed = paid(2);
  replica.putOrder(confirmed);
  const shipped = after(confirmed, {
    type: 'ship',
    orderId: 'o2',
    carrier: 'sf',
    trackingNo: 'SF5550001111',
  });
  db.prepare(
    'INSERT INTO sync_provisional_orders (order_id, patch_json, pending_count) VALUES (?, ?, 1)',
  ).run('o2', overlayPatch(shipped, confirmed));
  const viaSql = db
    .prepare(
      `SELECT ${displayedStateSql('s', 'p')} AS j FROM sync_orders s
         LEFT JOIN sync_provisional_orders p ON p.order_id = s.order_id`,
    )
    .pluck()
    .get() as string;
  assert.deepEqual(JSON.parse(viaSql), shipped);
  assert.deepEqual(createReplicaReads(db, replica).getOrder('o2')?.order, shipped);
  // An order without pending actions is the confirmed row's own text, untouched.
  db.prepare('DELETE FROM sync_provisional_orders').run();
  const plain = db
    .prepare(
      `SELECT ${displayedStateSql('s', 'p')} FROM sync_orders s
         LEFT JOIN sync_provisional_orders p ON p.order_id = s.order_id`,
    )
    .pluck()
    .get();
  assert.equal(plain, JSON.stringify(confirmed));
});

test('an overlay row stored as a whole state before migration 8 still shows that state', (t) => {
  const { file } = tempDb(t);
  // A replica as builds before migration 8 left it: its overlay rows whole states.
  const old = new Database(`${file}.v7`);
  migrate(
    old,
    MIGRATIONS.filter((m) => m.version <= 7),
  );
  const confirmed = paid(3);
  const shipped = after(confirmed, {
    type: 'ship',
    orderId: 'o3',
    carrier: 'sf',
    trackingNo: 'SF5550003333',
  });
  old
    .prepare(
      `INSERT INTO sync_orders (order_id, merchant_id, status, version, created_at, state_json)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      'o3',
      'm1',
      confirmed.status,
      confirmed.version,
      confirmed.createdAt,
      JSON.stringify(confirmed),
    );
  old
    .prepare(
      'INSERT INTO sync_provisional_orders (order_id, state_json, pending_count) VALUES (?, ?, 1)',
    )
    .run('o3', JSON.stringify(shipped));
  old.close();
  const db = openDatabase(`${file}.v7`);
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.deepEqual(createReplicaReads(db, createReplicaStore(db)).getOrder('o3')?.order, shipped);
});
