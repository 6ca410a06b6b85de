import type { OrderState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { createReplicaOrderHistory } from './replicaOrderHistory.ts';
import type { ReplicaPosting, ReplicaTimelineEntry } from './replicaOrderHistory.ts';
import { createReplicaOrderPage } from './replicaOrderPage.ts';
import type { ReplicaOrderQuery } from './replicaOrderPage.ts';
import type { ReplicaStore } from './replicaStore.ts';
import { withOverlay } from '../sync/overlayPatch.ts';

/**
 * What the desk shows, read from the replica: the server's confirmed state with this desk's
 * pending mutations on top (the provisional overlay), order pages and histories, balances.
 * Reads only; the sync engine (sync/syncClient.ts) is the one writer.
 */
export interface DisplayedOrder {
  order: OrderState;
  /** True when pending mutations are shown on top of the server's state. */
  provisional: boolean;
  pendingMutations: number;
}

/**
 * One order as the user sees it: the confirmed state with the overlay's patch on top
 * (electron/core/sync/overlayPatch.ts) while this desk has actions pending on it. The one
 * reader of a single displayed order, for the order panel and for the overlay's own checks.
 */
export function createDisplayedOrderRead(
  db: Db,
  replica: Pick<ReplicaStore, 'confirmedOrder'>,
): (orderId: string) => DisplayedOrder | null {
  const overlaid = db.prepare<[string], { patch_json: string; pending_count: number }>(
    'SELECT patch_json, pending_count FROM sync_provisional_orders WHERE order_id = ?',
  );
  return (orderId) => {
    const row = overlaid.get(orderId);
    const confirmed = replica.confirmedOrder(orderId);
    if (row)
      return {
        order: withOverlay(confirmed, row.patch_json),
        provisional: true,
        pendingMutations: row.pending_count,
      };
    return confirmed ? { order: confirmed, provisional: false, pendingMutations: 0 } : null;
  };
}

export interface ProvisionalLeg {
  mutationId: number;
  orderId: string;
  kind: string;
  at: number;
  currency: string;
  account: string;
  amountFen: number;
  provisional: true;
}

export interface ReplicaReads {
  getOrder(orderId: string): DisplayedOrder | null;
  listOrderIds(): string[];
  /**
   * True when this command id was already taken for the order: still queued (and not refused),
   * or in the server's timeline. A repeated call with the same key then answers as the first
   * did instead of queueing a second mutation.
   */
  knowsCommand(orderId: string, commandId: string): boolean;
  /** A keyset page of the displayed orders, newest first (replicaOrderPage.ts). */
  orderPage(query: ReplicaOrderQuery): { orders: OrderState[]; more: boolean };
  confirmedOrder(orderId: string): OrderState | null;
  confirmedBalances(): { currency: string; account: string; balanceFen: number }[];
  provisionalLegs(orderId?: string): ProvisionalLeg[];
  /** The order's timeline and journal rows from the replica, pending effects marked. */
  orderHistory(orderId: string): {
    timeline: ReplicaTimelineEntry[];
    postings: ReplicaPosting[];
  };
}

export function createReplicaReads(db: Db, replica: ReplicaStore): ReplicaReads {
  const history = createReplicaOrderHistory(db);
  return {
    getOrder: createDisplayedOrderRead(db, replica),
    listOrderIds() {
      return db
        .prepare<[], { order_id: string }>(
          `SELECT order_id FROM sync_orders UNION SELECT order_id FROM sync_provisional_orders
           ORDER BY order_id`,
        )
        .all()
        .map((r) => r.order_id);
    },
    orderPage: createReplicaOrderPage(db),
    knowsCommand(orderId, commandId) {
      return (
        db
          .prepare<[string, string, string, string], { x: number }>(
            `SELECT 1 AS x WHERE EXISTS (
               SELECT 1 FROM sync_outbox WHERE command_id = ? AND order_id = ?
                 AND (server_status IS NULL OR server_status = 'applied'))
             OR EXISTS (SELECT 1 FROM sync_order_events WHERE order_id = ? AND command_id = ?)`,
          )
          .get(commandId, orderId, orderId, commandId) !== undefined
      );
    },
    confirmedOrder: (orderId) => replica.confirmedOrder(orderId),
    confirmedBalances() {
      return db
        .prepare<[], { currency: string; account: string; balance_fen: number }>(
          'SELECT currency, account, balance_fen FROM sync_balances ORDER BY currency, account',
        )
        .all()
        .map((r) => ({ currency: r.currency, account: r.account, balanceFen: r.balance_fen }));
    },
    provisionalLegs(orderId) {
      const rows = db
        .prepare<
          [string | null, string | null],
          {
            mutation_id: number;
            order_id: string;
            kind: string;
            at: number;
            currency: string;
            account: string;
            amount_fen: number;
          }
        >(
          `SELECT * FROM sync_provisional_legs WHERE (? IS NULL OR order_id = ?)
           ORDER BY mutation_id, leg`,
        )
        .all(orderId ?? null, orderId ?? null);
      return rows.map((r) => ({
        mutationId: r.mutation_id,
        orderId: r.order_id,
        kind: r.kind,
        at: r.at,
        currency: r.currency,
        account: r.account,
        amountFen: r.amount_fen,
        provisional: true as const,
      }));
    },
    orderHistory: (orderId) => ({
      timeline: history.timeline(orderId),
      postings: history.postings(orderId),
    }),
  };
}
