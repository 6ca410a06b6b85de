import { decide } from '../../../shared/escrow/decide.ts';
import { evolve } from '../../../shared/escrow/evolve.ts';
import type { EscrowPolicy } from '../../../shared/escrow/policy.ts';
import type { Actor, OrderState } from '../../../shared/escrow/types.ts';
import { movesMoney, postingFor } from '../../../shared/ledger/postings.ts';
import type { Db } from '../store/openDatabase.ts';
import type { Outbox, ReplayRow } from './outbox.ts';
import type { ReplicaStore } from '../replica/replicaStore.ts';
import { createOrderLookup, lookupOrder, lookupShown } from '../replica/orderLookup.ts';
import { createDisplayedOrderRead } from '../replica/replicaReads.ts';
import { overlayPatch } from './overlayPatch.ts';

/**
 * The provisional overlay: each order's still-pending mutations replayed, in id order, on top
 * of its confirmed state with the same `decide`/`evolve` the server runs. Everything here is a
 * guess about what the server will say, so it lives in its own tables and is rebuilt per order
 * whenever that order's confirmed state or its pending mutations change (rebase).
 *
 * One aggregate per order means an order's overlay depends only on that order, so a rebase
 * touches just the orders a pull or a mutation changed.
 */
export interface ProvisionalOverlay {
  /**
   * `stored`: confirmed states the caller has just written to the replica (a pull page's
   * orders), so they need not be read back; any other order is read.
   */
  rebuild(orderIds: Iterable<string>, nowMs: number, stored?: ConfirmedStates): void;
  /** The state the user sees: provisional when mutations are pending, else confirmed. */
  displayedOrder(orderId: string): OrderState | null;
}

/** Confirmed states by order id (a Map is one; a pull page's parse them on demand). */
export interface ConfirmedStates {
  has(orderId: string): boolean;
  get(orderId: string): OrderState | undefined;
}

export function createProvisionalOverlay(
  db: Db,
  replica: ReplicaStore,
  outbox: Outbox,
  actor: () => Actor,
  policy?: EscrowPolicy,
): ProvisionalOverlay {
  const lookup = createOrderLookup(db);
  const delProvisional = db.prepare('DELETE FROM sync_provisional_orders WHERE order_id = ?');
  /** Drops the order's overlay; `confirmed` is its confirmed state now (null: none). */
  const delOrder = (orderId: string, confirmed: OrderState | null) => {
    if (delProvisional.run(orderId).changes > 0) lookup.overlayCleared(orderId, confirmed);
  };
  const delLegs = db.prepare('DELETE FROM sync_provisional_legs WHERE order_id = ?');
  // An upsert, not delete-then-insert: a delete would first put the confirmed state back into
  // the lookup (and its trigram index) for nothing.
  const upsertProvisional = db.prepare(
    `INSERT INTO sync_provisional_orders (order_id, patch_json, pending_count, shown)
     VALUES (?, ?, ?, ?)
     ON CONFLICT (order_id) DO UPDATE SET
       patch_json = excluded.patch_json, pending_count = excluded.pending_count,
       shown = excluded.shown`,
  );
  const putLeg = db.prepare(
    `INSERT INTO sync_provisional_legs (mutation_id, leg, order_id, kind, at, currency, account, amount_fen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const displayed = createDisplayedOrderRead(db, replica);
  /** Whether the confirmed timeline, up to the confirmed version, has the command's events. */
  const confirmedHolds = db.prepare<[string, string, number], { x: number }>(
    `SELECT 1 AS x FROM sync_order_events
      WHERE order_id = ? AND command_id = ? AND version <= ? LIMIT 1`,
  );

  function rebuildOne(
    orderId: string,
    queued: readonly ReplayRow[],
    confirmed: OrderState | null,
    nowMs: number,
    mayHaveLegs = true,
    wasShown: string | null = null,
  ): void {
    if (mayHaveLegs) delLegs.run(orderId);
    // A mutation the server already rejected has no effect to show; its issue says why. One it
    // applied whose events the confirmed state already holds is shown by that state: replayed
    // again it would fail (a second ship) and be flagged "likely refused", or apply twice, for
    // as long as the pull that confirms it takes to reach its last page.
    const pending = queued.filter(
      (m) =>
        m.serverStatus !== 'rejected' &&
        !(
          m.serverStatus === 'applied' &&
          confirmed !== null &&
          confirmedHolds.get(orderId, m.commandId, confirmed.version)
        ),
    );
    if (pending.length === 0) {
      delOrder(orderId, confirmed);
      return;
    }
    let state: OrderState | null = confirmed;
    for (const m of pending) {
      const d = decide(state, m.command, { now: nowMs, actor: actor() }, policy);
      if (!d.ok) {
        // Kept and still pushed: the server, not this replay, decides. Shown as "likely refused".
        if (m.localErrorCode !== d.error.code) outbox.setLocalError(m.mutationId, d.error.code);
        continue;
      }
      if (m.localErrorCode !== null) outbox.setLocalError(m.mutationId, null);
      // Nothing to post (a ship, a note): decide has folded the events already.
      if (!d.events.some(movesMoney)) {
        state = d.state;
        continue;
      }
      let leg = 0;
      d.events.forEach((event, i) => {
        if (state) {
          const posting = postingFor(event, state, {
            txnId: `provisional:${m.mutationId}:${i}`,
            commandId: m.commandId,
          });
          for (const l of posting?.legs ?? []) {
            putLeg.run(
              m.mutationId,
              leg++,
              orderId,
              posting?.kind ?? '',
              event.at,
              posting?.currency ?? 'CNY',
              l.account,
              l.amountFen,
            );
          }
        }
        state = evolve(state, event);
      });
    }
    if (state) {
      const shown = lookupOrder(state);
      const shownText = lookupShown(shown);
      upsertProvisional.run(orderId, overlayPatch(state, confirmed), pending.length, shownText);
      // The lookup row shows what the last replay showed (`wasShown`): written only if that changed.
      if (shownText !== wasShown) lookup.provisional(shown);
    } else delOrder(orderId, confirmed);
  }

  // Orders with something to clear; with the outbox's orders, the only ones to rebuild: every
  // other order's overlay is empty and stays so, which keeps a 100,000-order bootstrap page
  // from touching these tables.
  const overlaidOrders = db
    .prepare<[], [orderId: string, shown: string | null]>(
      'SELECT order_id, shown FROM sync_provisional_orders',
    )
    .raw();
  // Only orders with queued money moves have legs to clear: one scan instead of a DELETE each.
  const ordersWithLegs = db.prepare<[], { order_id: string }>(
    'SELECT DISTINCT order_id FROM sync_provisional_legs',
  );

  const hasOverlay = db.prepare<[string, string], { x: number }>(
    `SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM sync_outbox WHERE order_id = ?)
        OR EXISTS (SELECT 1 FROM sync_provisional_orders WHERE order_id = ?)`,
  );

  return {
    rebuild(orderIds, nowMs, stored) {
      const ids = new Set(orderIds);
      if (ids.size === 0) return;
      // A few orders (one action, one push answer): ask per order. Many (a pull page): one
      // scan of the pending set instead of a query per order.
      if (ids.size <= 64) {
        for (const id of ids)
          if (hasOverlay.get(id, id))
            rebuildOne(
              id,
              outbox.replayForOrder(id),
              stored?.get(id) ?? replica.confirmedOrder(id),
              nowMs,
            );
        return;
      }
      const queued = outbox.replayByOrder([...ids]);
      const overlaid = new Map(overlaidOrders.all());
      const work = [...ids].filter((id) => queued.has(id) || overlaid.has(id));
      const confirmed = replica.confirmedOrders(work.filter((id) => !stored?.has(id)));
      const withLegs = new Set(ordersWithLegs.all().map((r) => r.order_id));
      for (const id of work) {
        const base = stored?.get(id) ?? confirmed.get(id) ?? null;
        rebuildOne(id, queued.get(id) ?? [], base, nowMs, withLegs.has(id), overlaid.get(id));
      }
    },
    displayedOrder(orderId) {
      return displayed(orderId)?.order ?? null;
    },
  };
}
