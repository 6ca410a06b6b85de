import type { OrderState, OrderStatus } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';

export interface ReplicaOrderQuery {
  merchantId?: string;
  status?: OrderStatus;
  limit: number;
  /** Exclusive keyset position: orders strictly after (newest first) `[createdAt, orderId]`. */
  after?: [number, string] | null;
}

/**
 * One page of the orders the desk shows in server mode, newest first (createdAt, then orderId,
 * both descending), as they are displayed: the provisional state where this desk has pending
 * mutations, the confirmed one otherwise.
 *
 * Confirmed orders come from an indexed keyset query on `sync_orders`, skipping those with an
 * overlay; overlaid orders (as many as there are pending actions, so few) are filtered on
 * their provisional state. Only the page's rows are parsed, so a page costs the same with
 * 100,000 orders as with 100.
 */
export function createReplicaOrderPage(db: Db) {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  function confirmedStatement(merchant: boolean, status: boolean, cursor: boolean) {
    const key = `${+merchant}${+status}${+cursor}`;
    let stmt = statements.get(key);
    if (!stmt) {
      const where = [
        merchant ? 's.merchant_id = @merchantId' : null,
        status ? 's.status = @status' : null,
        cursor ? '(s.created_at, s.order_id) < (@cursorAt, @cursorId)' : null,
        'NOT EXISTS (SELECT 1 FROM sync_provisional_orders p WHERE p.order_id = s.order_id)',
      ].filter(Boolean);
      stmt = db.prepare(
        `SELECT s.state_json FROM sync_orders s WHERE ${where.join(' AND ')}
          ORDER BY s.created_at DESC, s.order_id DESC LIMIT @limit`,
      );
      statements.set(key, stmt);
    }
    return stmt as ReturnType<Db['prepare']> & {
      all(params: Record<string, unknown>): { state_json: string }[];
    };
  }
  const overlaid = db.prepare<[], { state_json: string }>(
    'SELECT state_json FROM sync_provisional_orders',
  );

  const newerFirst = (a: OrderState, b: OrderState): number =>
    b.createdAt - a.createdAt || (a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0);

  return function page(q: ReplicaOrderQuery): { orders: OrderState[]; more: boolean } {
    const after = q.after ?? null;
    const confirmed = confirmedStatement(
      q.merchantId !== undefined,
      q.status !== undefined,
      !!after,
    )
      .all({
        merchantId: q.merchantId,
        status: q.status,
        cursorAt: after?.[0],
        cursorId: after?.[1],
        limit: q.limit + 1,
      })
      .map((r) => JSON.parse(r.state_json) as OrderState);
    const pending = overlaid
      .all()
      .map((r) => JSON.parse(r.state_json) as OrderState)
      .filter(
        (o) =>
          (q.merchantId === undefined || o.merchantId === q.merchantId) &&
          (q.status === undefined || o.status === q.status) &&
          (!after || o.createdAt < after[0] || (o.createdAt === after[0] && o.orderId < after[1])),
      );
    const rows = [...confirmed, ...pending].sort(newerFirst);
    return { orders: rows.slice(0, q.limit), more: rows.length > q.limit };
  };
}
