import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { paidOrder } from '../../../bench/paidOrder.ts';
import { lookupOrder } from '../../../electron/core/replica/orderLookup.ts';
import { createReplicaStore } from '../../../electron/core/replica/replicaStore.ts';
import { createOutbox } from '../../../electron/core/sync/outbox.ts';
import { createProvisionalOverlay } from '../../../electron/core/sync/provisionalOverlay.ts';
import { createSyncMeta } from '../../../electron/core/sync/syncMeta.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { decide } from '../../../shared/escrow/decide.ts';
import { evolve } from '../../../shared/escrow/evolve.ts';
import type { Actor, EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import { createPrng } from '../../../simulation/prng.ts';
import type { Prng } from '../../../simulation/prng.ts';
import { tempDb } from '../helpers/tempDb.ts';

// The overlay is rebuilt per order as actions are queued and pulls arrive, and skips writing
// an order whose replay equals what it holds. Whatever the sequence, the result must be exactly
// what a rebuild of every order from scratch gives: overlay rows, provisional legs, the order
// lookup (with its search index) and the outbox's local verdicts.

const SELLER: Actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' };
const BUYER: Actor = { role: 'buyer', userId: 'b1' };
const T0 = Date.UTC(2026, 0, 5);
/** Replays depend on the time they are decided at; one clock keeps the two builds comparable. */
const NOW = T0 + 3_600_000;
const ORDERS = 90;
const sha256 = (text: string) => hash('sha256', text, 'hex');

function desk(db: Db) {
  const replica = createReplicaStore(db);
  const outbox = createOutbox(db, createSyncMeta(db));
  const overlay = createProvisionalOverlay(db, replica, outbox, () => SELLER);
  return { replica, outbox, overlay };
}

/** What the overlay decides and shows, in a stable order, for comparison. */
function snapshot(db: Db) {
  const all = (sql: string) => db.prepare(sql).all();
  db.prepare("INSERT INTO order_fts (order_fts, rank) VALUES ('integrity-check', 1)").run();
  return {
    provisional: all('SELECT * FROM sync_provisional_orders ORDER BY order_id'),
    legs: all('SELECT * FROM sync_provisional_legs ORDER BY mutation_id, leg'),
    lookup: all(
      `SELECT order_id, merchant_id, buyer_id, status, created_at, amount_fen, title,
              tracking_no, ship_by_at, refund_due_at FROM order_lookup ORDER BY order_id`,
    ),
    search: all(
      `SELECT l.order_id FROM order_fts f JOIN order_lookup l ON l.id = f.rowid
        WHERE order_fts MATCH '"SF7"' ORDER BY l.order_id`,
    ),
    verdicts: all('SELECT mutation_id, local_error_code FROM sync_outbox ORDER BY mutation_id'),
  };
}

/** A seller action on an order, valid or not for its state: both kinds are queued. */
function sellerAction(rng: Prng, order: OrderState): EscrowCommand {
  const orderId = order.orderId;
  const refund = order.refunds.at(-1);
  switch (rng.int(4)) {
    case 0:
      return { type: 'ship', orderId, carrier: 'sf', trackingNo: `SF7${rng.range(1e6, 9e6)}` };
    case 1:
      return { type: 'agree_refund', orderId, refundId: refund?.refundId ?? 'r-none' };
    case 2:
      return {
        type: 'refuse_refund',
        orderId,
        refundId: refund?.refundId ?? 'r-none',
        reason: 'goods as described',
      };
    default:
      return { type: 'annotate_order', orderId, note: `n${rng.int(100)}`, flag: null };
  }
}

function run(t: TestContext, seed: number): void {
  const rng = createPrng(seed);
  const { db } = tempDb(t);
  const d = desk(db);
  // The server's copy of each order, which pulls deliver.
  const server = new Map<string, OrderState>();
  db.transaction(() => {
    for (let i = 0; i < ORDERS; i++) {
      const o = paidOrder({
        i,
        orderId: `o${String(i).padStart(3, '0')}`,
        title: `Pu'er ${i}`,
        at: T0 + i * 1000,
        seq: i + 1,
        prevHash: GENESIS_HASH,
        sha256,
      }).state;
      server.set(o.orderId, o);
      d.replica.putOrder(o);
    }
  }).immediate();
  const ids = [...server.keys()];
  const serverApply = (actor: Actor, command: EscrowCommand, at: number): boolean => {
    const before = server.get(command.orderId) ?? null;
    const r = decide(before, command, { now: at, actor });
    if (!r.ok) return false;
    server.set(command.orderId, r.events.reduce<OrderState | null>(evolve, before)!);
    return true;
  };

  const legCount = db.prepare('SELECT count(*) FROM sync_provisional_legs').pluck();
  let sawLegs = false;
  // The last steps bring no pulls, so the run ends with many orders changed under queued actions.
  for (let step = 0; step < 400; step++) {
    sawLegs ||= (legCount.get() as number) > 0;
    const roll = rng.next();
    if (roll < 0.55) {
      // The seller queues an action, decided against what the desk shows.
      const orderId = rng.pick(ids);
      const shown = d.overlay.displayedOrder(orderId)!;
      const command = sellerAction(rng, shown);
      db.transaction(() => {
        d.outbox.append({
          commandId: `c${seed}-${step}`,
          command,
          clientTime: NOW,
          baseState: shown,
          baseVersion: d.replica.confirmedOrder(orderId)?.version ?? null,
        });
        d.overlay.rebuild([orderId], NOW);
      }).immediate();
    } else if (roll < 0.75) {
      // The buyer acts at the server, mostly on orders with queued actions: the confirmed
      // state changes under them and their replay has to change with it.
      const queued = d.outbox.all().map((q) => q.orderId);
      const orderId = queued.length && rng.chance(0.8) ? rng.pick(queued) : rng.pick(ids);
      const now = server.get(orderId)!;
      const open = now.refunds.find((r) => r.status === 'requested');
      const command: EscrowCommand = open
        ? { type: 'cancel_refund', orderId, refundId: open.refundId }
        : now.status === 'shipped' && rng.chance(0.3)
          ? { type: 'confirm_receipt', orderId }
          : {
              type: 'request_refund',
              orderId,
              refundId: `r${step}`,
              kind: 'refund_only',
              amountFen: rng.range(1, now.amountFen),
              reason: 'not received',
            };
      if (serverApply(BUYER, command, NOW))
        db.transaction(() => {
          d.replica.putOrder(server.get(orderId)!);
          d.overlay.rebuild([orderId], NOW);
        }).immediate();
    } else if (roll < 0.85 && step < 350) {
      // A pull: the server processed the oldest queued actions (accepted or refused) and
      // brings the new states; it also touches many other orders (more than a per-order
      // rebuild handles), most of them unchanged for the overlay.
      const queued = d.outbox.all();
      const through = queued.length ? queued[rng.int(queued.length)]!.mutationId : 0;
      const touched = new Set<string>(rng.chance(0.5) ? ids.filter(() => rng.chance(0.8)) : []);
      db.transaction(() => {
        for (const m of queued.filter((q) => q.mutationId <= through)) {
          serverApply(SELLER, m.command, NOW);
          touched.add(m.orderId);
        }
        for (const id of touched) d.replica.putOrder(server.get(id)!);
        d.outbox.dropThrough(through);
        d.overlay.rebuild(touched, NOW);
      }).immediate();
    } else {
      // A push answer refuses one queued action for good.
      const queued = d.outbox.all().filter((q) => q.serverStatus === null);
      if (queued.length === 0) continue;
      const m = rng.pick(queued);
      db.transaction(() => {
        d.outbox.markServerResult(m.mutationId, 'rejected', {
          code: 'invalid_state',
          message: 'refused',
        });
        d.overlay.rebuild([m.orderId], NOW);
      }).immediate();
    }
  }

  // From scratch: the same confirmed orders and outbox in a new replica, every order rebuilt.
  const { db: fresh } = tempDb(t);
  const f = desk(fresh);
  fresh
    .transaction(() => {
      for (const id of ids) f.replica.putOrder(d.replica.confirmedOrder(id)!);
      const insert = fresh.prepare(
        `INSERT INTO sync_outbox (mutation_id, command_id, order_id, command_json, client_time,
           base_version, base_state_json, server_status, error_code, error_message,
           local_error_code)
         VALUES (@mutation_id, @command_id, @order_id, @command_json, @client_time,
           @base_version, @base_state_json, @server_status, @error_code, @error_message,
           @local_error_code)`,
      );
      for (const row of db.prepare('SELECT * FROM sync_outbox').all()) insert.run(row);
      f.overlay.rebuild(ids, NOW);
    })
    .immediate();

  const built = snapshot(db);
  assert.ok(built.provisional.length > 0, 'the run left actions queued');
  assert.ok(sawLegs, 'the run queued money moves');
  assert.deepEqual(built, snapshot(fresh));
}

for (const seed of [1, 2, 3, 11])
  test(`an overlay rebuilt as actions and pulls arrive equals a rebuild from scratch (seed ${seed})`, (t) =>
    run(t, seed));

test("a pull's rebase of many queued orders writes each lookup row that shows something new, and only those", (t) => {
  const { db } = tempDb(t);
  const d = desk(db);
  const orders = Array.from(
    { length: 80 },
    (_, i) =>
      paidOrder({
        i,
        orderId: `q${String(i).padStart(3, '0')}`,
        title: `Tieguanyin ${i}`,
        at: T0 + i * 1000,
        seq: i + 1,
        prevHash: GENESIS_HASH,
        sha256,
      }).state,
  );
  const ids = orders.map((o) => o.orderId);
  db.transaction(() => {
    for (const o of orders) d.replica.putOrder(o);
    for (const [i, o] of orders.entries())
      d.outbox.append({
        commandId: `ship-${o.orderId}`,
        command: { type: 'ship', orderId: o.orderId, carrier: 'sf', trackingNo: `SF88${1000 + i}` },
        clientTime: NOW,
        baseState: o,
        baseVersion: o.version,
      });
    d.overlay.rebuild(ids, NOW);
  }).immediate();
  const rowOf = db.prepare<
    [string],
    { status: string; tracking_no: string; refund_due_at: number | null }
  >('SELECT status, tracking_no, refund_due_at FROM order_lookup WHERE order_id = ?');
  const rewrites = () => db.prepare('SELECT total_changes() AS n').get() as { n: number };
  // At the server, the buyer asks a refund on every other order; the rest get a seller's note.
  const pulled = orders.map((o, i) => {
    const command: EscrowCommand =
      i % 2
        ? {
            type: 'request_refund',
            orderId: o.orderId,
            refundId: `r${i}`,
            kind: 'refund_only',
            amountFen: o.amountFen,
            reason: 'late',
          }
        : { type: 'annotate_order', orderId: o.orderId, note: 'called', flag: null };
    const r = decide(o, command, { now: NOW, actor: i % 2 ? BUYER : SELLER });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.events.reduce<OrderState | null>(evolve, o)!;
  });
  db.transaction(() => {
    for (const o of pulled) d.replica.putOrder(o);
    d.overlay.rebuild(ids, NOW);
  }).immediate();
  // Each row shows what the overlay shows: the refunded orders' ships are now refused locally
  // (a refund is open), the others are still shipped.
  for (const [i, id] of ids.entries()) {
    const shown = lookupOrder(d.overlay.displayedOrder(id)!);
    const row = rowOf.get(id)!;
    assert.deepEqual(
      [row.status, row.tracking_no, row.refund_due_at],
      [shown.status, shown.trackingNo, shown.refundDueAt],
      id,
    );
    assert.equal(shown.status, i % 2 ? 'funds_held' : 'shipped', id);
    assert.equal(shown.refundDueAt !== null, i % 2 === 1, id);
  }
  // A second pull that changes nothing any row shows (another note each): no lookup row is
  // written, so the search index is left alone.
  const before = rewrites().n;
  db.transaction(() => {
    for (const o of pulled) {
      const r = decide(
        o,
        { type: 'annotate_order', orderId: o.orderId, note: 'again', flag: null },
        { now: NOW, actor: SELLER },
      );
      assert.ok(r.ok);
      d.replica.putOrder(r.events.reduce<OrderState | null>(evolve, o)!);
    }
    d.overlay.rebuild(ids, NOW);
  }).immediate();
  // Per order: the confirmed copy, its timeline-free upsert, and the overlay row; nothing more.
  assert.equal(rewrites().n - before, 80 * 2);
  db.prepare("INSERT INTO order_fts (order_fts, rank) VALUES ('integrity-check', 1)").run();
});
