import type { OrderState } from '../../../shared/escrow/types.ts';
import { chainLegs } from '../../../shared/ledger/chainLegs.ts';
import type { SyncedOrderEvent, SyncedTxn } from '../../../shared/sync/protocol.ts';
import type { Db } from '../store/openDatabase.ts';
import { createOrderLookup } from './orderLookup.ts';

/**
 * The confirmed replica: orders and journal rows exactly as the server sent them. Orders are
 * upserted by version (an older copy arriving late never overwrites a newer one); journal rows
 * are inserted once by txnId and never changed, and each new one moves the replica balances.
 * A journal row's legs are kept as the chain hash writes them (chainLegs.ts), which verify
 * hashes and reads back without a JSON parse.
 */
export interface ReplicaStore {
  /** Returns true when the stored copy changed. */
  putOrder(order: OrderState): boolean;
  /**
   * Journal rows of one page, inside the caller's transaction: each stored once by txnId, and
   * the new ones' legs moved into the balances, summed per account first (a page of payments
   * moves the bank account thousands of times; one upsert per account instead of per leg).
   */
  putTxns(txns: readonly SyncedTxn[]): void;
  /** Timeline entries are kept once by (order, version), like journal rows. */
  putOrderEvent(entry: SyncedOrderEvent): boolean;
  confirmedOrder(orderId: string): OrderState | null;
  /** Many at once (a rebase of a pull page's orders): one read instead of one per order. */
  confirmedOrders(orderIds: readonly string[]): Map<string, OrderState>;
}

export function createReplicaStore(db: Db): ReplicaStore {
  const lookup = createOrderLookup(db);
  const upsertOrder = db.prepare(
    `INSERT INTO sync_orders (order_id, merchant_id, status, version, created_at, state_json)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (order_id) DO UPDATE SET
       merchant_id = excluded.merchant_id, status = excluded.status, version = excluded.version,
       created_at = excluded.created_at, state_json = excluded.state_json
     WHERE excluded.version > sync_orders.version`,
  );
  const insertTxn = db.prepare(
    `INSERT INTO sync_txns
       (shard, seq, txn_id, command_id, kind, at, currency, order_id, legs_json, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO sync_order_events
       (order_id, version, type, at, command_id, actor_role, actor_user, event_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const moveBalance = db.prepare(
    `INSERT INTO sync_balances (currency, account, balance_fen) VALUES (?, ?, ?)
     ON CONFLICT (currency, account) DO UPDATE SET balance_fen = balance_fen + excluded.balance_fen`,
  );
  const orderById = db.prepare<[string], { state_json: string }>(
    'SELECT state_json FROM sync_orders WHERE order_id = ?',
  );
  const ordersByIds = db.prepare<[string], { order_id: string; state_json: string }>(
    `SELECT order_id, state_json FROM sync_orders
      WHERE order_id IN (SELECT value FROM json_each(?))`,
  );
  return {
    putOrder(order) {
      const changed =
        upsertOrder.run(
          order.orderId,
          order.merchantId,
          order.status,
          order.version,
          order.createdAt,
          JSON.stringify(order),
        ).changes > 0;
      if (changed) lookup.confirmed(order);
      return changed;
    },
    putTxns(txns) {
      const moves = new Map<string, Map<string, number>>();
      for (const txn of txns) {
        const r = insertTxn.run(
          txn.shard,
          txn.seq,
          txn.txnId,
          txn.commandId,
          txn.kind,
          txn.at,
          txn.currency,
          txn.orderId,
          chainLegs(txn.legs),
          txn.prevHash,
          txn.hash,
        );
        if (r.changes === 0) continue;
        let byAccount = moves.get(txn.currency);
        if (!byAccount) moves.set(txn.currency, (byAccount = new Map()));
        for (const leg of txn.legs) {
          const held = byAccount.get(leg.account) ?? 0;
          const sum = held + leg.amountFen;
          // Past 2^53 a JS sum would round: move what is held, and start over from this leg.
          if (Number.isSafeInteger(sum)) byAccount.set(leg.account, sum);
          else {
            moveBalance.run(txn.currency, leg.account, held);
            byAccount.set(leg.account, leg.amountFen);
          }
        }
      }
      for (const [currency, byAccount] of moves)
        for (const [accountName, fen] of byAccount) moveBalance.run(currency, accountName, fen);
    },
    putOrderEvent(e) {
      return (
        insertEvent.run(
          e.orderId,
          e.version,
          e.type,
          e.at,
          e.commandId,
          e.actor.role,
          e.actor.userId,
          JSON.stringify(e.event),
        ).changes > 0
      );
    },
    confirmedOrder(orderId) {
      const row = orderById.get(orderId);
      return row ? (JSON.parse(row.state_json) as OrderState) : null;
    },
    confirmedOrders(orderIds) {
      const found = new Map<string, OrderState>();
      for (const r of ordersByIds.iterate(JSON.stringify(orderIds)))
        found.set(r.order_id, JSON.parse(r.state_json) as OrderState);
      return found;
    },
  };
}
