import type { OrderState, OrderStatus } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { displayedStateSql } from '../sync/overlayPatch.ts';

export interface ReplicaOrderQuery {
  merchantId?: string;
  status?: OrderStatus;
  limit: number;
  /** Exclusive keyset position: orders strictly after (newest first) `[createdAt, orderId]`. */
  after?: [number, string] | null;
}

/**
 * One page of the orders the desk shows, newest first (createdAt, then orderId, both
 * descending), as they are displayed: the provisional state where this desk has pending
 * mutations, the confirmed one otherwise.
 *
 * `order_lookup` already follows what is displayed (orderLookup.ts), so a page is one keyset
 * walk of its (merchant, status, created_at, order_id) indexes; only the page's rows are
 * parsed, so a page costs the same with 100,000 orders as with 100.
 */
export function createReplicaOrderPage(db: Db) {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  function statement(merchant: boolean, status: boolean, cursor: boolean) {
    const key = `${+merchant}${+status}${+cursor}`;
    let stmt = statements.get(key);
    if (!stmt) {
      const where = [
        merchant ? 'l.merchant_id = @merchantId' : null,
        status ? 'l.status = @status' : null,
        cursor ? '(l.created_at, l.order_id) < (@cursorAt, @cursorId)' : null,
      ].filter(Boolean);
      stmt = db.prepare(
        `SELECT ${displayedStateSql('s', 'p')} AS state_json
           FROM order_lookup l
           LEFT JOIN sync_provisional_orders p ON p.order_id = l.order_id
           LEFT JOIN sync_orders s ON s.order_id = l.order_id
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY l.created_at DESC, l.order_id DESC LIMIT @limit`,
      );
      statements.set(key, stmt);
    }
    return stmt as ReturnType<Db['prepare']> & {
      all(params: Record<string, unknown>): { state_json: string | null }[];
    };
  }

  return function page(q: ReplicaOrderQuery): { orders: OrderState[]; more: boolean } {
    const after = q.after ?? null;
    const rows = statement(q.merchantId !== undefined, q.status !== undefined, !!after).all({
      merchantId: q.merchantId,
      status: q.status,
      cursorAt: after?.[0],
      cursorId: after?.[1],
      limit: q.limit + 1,
    });
    const orders = rows
      .slice(0, q.limit)
      .flatMap((r) => (r.state_json === null ? [] : [JSON.parse(r.state_json) as OrderState]));
    return { orders, more: rows.length > q.limit };
  };
}
