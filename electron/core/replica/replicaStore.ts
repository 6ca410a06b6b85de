import type { OrderState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { orderRow } from '../sync/pulledPage.ts';
import type { EventRow, OrderRow, TxnRow } from '../sync/pulledPage.ts';
import { createOrderLookup } from './orderLookup.ts';

/**
 * The confirmed replica: orders and journal rows exactly as the server sent them. Orders are
 * upserted by version (an older copy arriving late never overwrites a newer one); journal rows
 * are inserted once by txnId and never changed, and each new one moves the replica balances.
 * A journal row's legs are kept as the chain hash writes them (chainLegs.ts), which verify
 * hashes and reads back without a JSON parse.
 *
 * Each write takes the row a pull page decodes into (pulledPage.ts); `putOrder` is for callers
 * that hold an order (tests, benches) and turns it into the same row.
 */
export interface ReplicaStore {
  /** Returns true when the stored copy changed. */
  putOrderRow(row: OrderRow): boolean;
  putOrder(order: OrderState): boolean;
  /**
   * Journal rows of one page, inside the caller's transaction: each stored once by txnId, and
   * the new ones' legs moved into the balances, summed per account first (a page of payments
   * moves the bank account thousands of times; one upsert per account instead of per leg).
   */
  putTxnRows(rows: readonly TxnRow[]): void;
  /** Timeline entries are kept once by (order, version), like journal rows. */
  putEventRow(row: EventRow): boolean;
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
  function putOrderRow(row: OrderRow): boolean {
    const [orderId, merchantId, status, version, createdAt, stateJson] = row;
    const changed =
      upsertOrder.run(orderId, merchantId, status, version, createdAt, stateJson).changes > 0;
    if (changed) {
      const [, , , , , , buyerId, amountFen, title, trackingNo, shipByAt, refundDueAt] = row;
      lookup.confirmed({
        orderId,
        merchantId,
        buyerId,
        createdAt,
        amountFen,
        status,
        title,
        trackingNo,
        shipByAt,
        refundDueAt,
      });
    }
    return changed;
  }

  function putTxnRows(rows: readonly TxnRow[]): void {
    const moves = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const [shard, seq, txnId, commandId, kind, at, currency, orderId, legsText, prevHash, hash] =
        row;
      const r = insertTxn.run(
        shard,
        seq,
        txnId,
        commandId,
        kind,
        at,
        currency,
        orderId,
        legsText,
        prevHash,
        hash,
      );
      if (r.changes === 0) continue;
      let byAccount = moves.get(currency);
      if (!byAccount) moves.set(currency, (byAccount = new Map()));
      const legs = row[11];
      for (let i = 0; i < legs.length; i += 2) {
        const account = legs[i] as string;
        const fen = legs[i + 1] as number;
        const held = byAccount.get(account) ?? 0;
        const sum = held + fen;
        // Past 2^53 a JS sum would round: move what is held, and start over from this leg.
        if (Number.isSafeInteger(sum)) byAccount.set(account, sum);
        else {
          moveBalance.run(currency, account, held);
          byAccount.set(account, fen);
        }
      }
    }
    for (const [currency, byAccount] of moves)
      for (const [accountName, fen] of byAccount) moveBalance.run(currency, accountName, fen);
  }

  const putEventRow = (row: EventRow): boolean => insertEvent.run(...row).changes > 0;

  return {
    putOrderRow,
    putOrder: (order) => putOrderRow(orderRow(order)),
    putTxnRows,
    putEventRow,
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
