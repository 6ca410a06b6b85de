import type { OrderState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';

/**
 * `order_lookup` (migration 0001) holds what the desk shows of each order, flattened for its
 * lists: the shipping and refund queues, the keyset pages of the orders list and, through
 * `order_fts` (FTS5 trigram), the order search. What is shown is the provisional state while
 * this desk has actions pending on the order, else the server's confirmed state.
 *
 * Both tables are written here, from the order object the writer already holds (migration
 * 0002 dropped the triggers that did it). Measured on 20,000 pulled orders: the triggers
 * re-parsed the stored JSON ten times per write, and an FTS5 write issued from a trigger costs
 * about four times the same write issued as its own statement, so the two together were half
 * the cost of applying a pulled page and most of rebuilding the overlay. Every write of
 * `sync_orders` or `sync_provisional_orders` goes through this module in the same transaction.
 */
export interface OrderLookup {
  /** The confirmed state arrived: shown unless the overlay has a provisional one. */
  confirmed(order: LookupOrder): void;
  /** The overlay has a provisional state (as lookupOrder gives it): shown instead of the confirmed one. */
  provisional(shown: LookupOrder): void;
  /**
   * The overlay dropped the order: its confirmed state (null: there is none) is shown again,
   * or nothing at all.
   */
  overlayCleared(orderId: string, confirmed: OrderState | null): void;
}

/** Statuses of a refund that waits for the seller (its `dueAt` is the seller's deadline). */
const SELLER_REFUND_STATUSES = new Set(['requested', 'awaiting_seller_confirm']);

interface LookupRow {
  id: number;
  buyer_id: string;
  status: string;
  title: string;
  tracking_no: string;
  ship_by_at: number | null;
  refund_due_at: number | null;
}

/** What a lookup row holds of an order. Ids, merchant, buyer, creation and amount never change. */
export interface LookupOrder {
  orderId: string;
  merchantId: string;
  buyerId: string;
  createdAt: number;
  amountFen: number;
  status: string;
  title: string;
  trackingNo: string;
  shipByAt: number | null;
  refundDueAt: number | null;
}

export function lookupOrder(s: OrderState): LookupOrder {
  let refundDueAt: number | null = null;
  for (const r of s.refunds)
    if (SELLER_REFUND_STATUSES.has(r.status) && r.dueAt !== null)
      refundDueAt = refundDueAt === null ? r.dueAt : Math.min(refundDueAt, r.dueAt);
  return {
    orderId: s.orderId,
    merchantId: s.merchantId,
    buyerId: s.buyerId,
    createdAt: s.createdAt,
    amountFen: s.amountFen,
    status: s.status,
    title: s.item.title,
    trackingNo: s.shipment?.trackingNo ?? '',
    shipByAt: s.status === 'funds_held' ? s.shipByAt : null,
    refundDueAt,
  };
}

/**
 * What a lookup row shows of an order, as one text: its fields that writes compare (show()
 * below), so two orders with the same text have rows that need no write between them.
 */
export function lookupShown(o: LookupOrder): string {
  return JSON.stringify([o.status, o.title, o.trackingNo, o.shipByAt, o.refundDueAt]);
}

export function createOrderLookup(db: Db): OrderLookup {
  const current = db.prepare<[string], LookupRow>(
    `SELECT id, buyer_id, status, title, tracking_no, ship_by_at, refund_due_at
       FROM order_lookup WHERE order_id = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO order_lookup (order_id, merchant_id, buyer_id, status, created_at, amount_fen,
                               title, tracking_no, ship_by_at, refund_due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING`,
  );
  const update = db.prepare(
    `UPDATE order_lookup SET status = ?, title = ?, tracking_no = ?, ship_by_at = ?,
                             refund_due_at = ?
      WHERE id = ?`,
  );
  const remove = db.prepare('DELETE FROM order_lookup WHERE id = ?');
  // The trigram index is external-content: a removal must name exactly the indexed values.
  const ftsAdd = db.prepare(
    'INSERT INTO order_fts (rowid, order_id, buyer_id, title, tracking_no) VALUES (?, ?, ?, ?, ?)',
  );
  const ftsRemove = db.prepare(
    `INSERT INTO order_fts (order_fts, rowid, order_id, buyer_id, title, tracking_no)
     VALUES ('delete', ?, ?, ?, ?, ?)`,
  );

  const overlaid = db.prepare<[string], { x: number }>(
    'SELECT 1 AS x FROM sync_provisional_orders WHERE order_id = ?',
  );

  function add(o: LookupOrder): boolean {
    const added = insert.run(
      o.orderId,
      o.merchantId,
      o.buyerId,
      o.status,
      o.createdAt,
      o.amountFen,
      o.title,
      o.trackingNo,
      o.shipByAt,
      o.refundDueAt,
    );
    if (added.changes === 0) return false;
    ftsAdd.run(added.lastInsertRowid, o.orderId, o.buyerId, o.title, o.trackingNo);
    return true;
  }

  /** The row shows `next`: written if it shows something else, added if there is none. */
  function show(next: LookupOrder): void {
    const row = current.get(next.orderId);
    if (!row) {
      add(next);
      return;
    }
    const textChanged = row.title !== next.title || row.tracking_no !== next.trackingNo;
    if (
      !textChanged &&
      row.status === next.status &&
      row.ship_by_at === next.shipByAt &&
      row.refund_due_at === next.refundDueAt
    )
      return;
    if (textChanged) ftsRemove.run(row.id, next.orderId, row.buyer_id, row.title, row.tracking_no);
    update.run(next.status, next.title, next.trackingNo, next.shipByAt, next.refundDueAt, row.id);
    if (textChanged) ftsAdd.run(row.id, next.orderId, row.buyer_id, next.title, next.trackingNo);
  }

  return {
    confirmed(order) {
      // Most confirmed states are of orders new to this desk (a bootstrap, a new sale), so the
      // insert is tried first. An order the overlay shows always has its row (provisional()
      // writes it), so one inserted here was not overlaid: only on a conflict is the overlay
      // asked, which spares a bootstrap a look-up per order.
      if (add(order)) return;
      if (!overlaid.get(order.orderId)) show(order);
    },
    provisional: show,
    overlayCleared(orderId, confirmed) {
      if (confirmed) return show(lookupOrder(confirmed));
      // An order made on this desk that the server refused has no confirmed copy: no row.
      const row = current.get(orderId);
      if (!row) return;
      ftsRemove.run(row.id, orderId, row.buyer_id, row.title, row.tracking_no);
      remove.run(row.id);
    },
  };
}
