import { shardOf } from '../../shared/ledger/shards.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';

/** The order aggregate, row-locked for the rest of the caller's transaction. */
export async function lockOrder(tx: Queryable, orderId: string): Promise<OrderState | null> {
  const r = await tx.query<{ state: OrderState }>(
    'SELECT state FROM orders WHERE order_id = $1 FOR UPDATE',
    [orderId],
  );
  return r.rows[0]?.state ?? null;
}

export async function readOrder(db: Queryable, orderId: string): Promise<OrderState | null> {
  const r = await db.query<{ state: OrderState }>('SELECT state FROM orders WHERE order_id = $1', [
    orderId,
  ]);
  return r.rows[0]?.state ?? null;
}

/** An order's row as a batch writes it: its new state and when its next timer is due. */
export interface OrderRowWrite {
  state: OrderState;
  nextTimerAt: number | null;
}

/**
 * Inserts new orders in one statement; returns the ids that were already taken (a concurrent
 * create won), which the caller refuses as `order_exists`.
 */
export async function insertOrders(
  tx: Queryable,
  rows: OrderRowWrite[],
  now: number,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const r = await tx.query<{ order_id: string }>(
    `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
                         version, next_timer_at, created_at, updated_at, shard)
     SELECT id, m, b, st, c, amt, s::jsonb, v, due, $10, $10, p
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                   $7::text[], $8::int[], $9::bigint[], $11::smallint[])
            AS x(id, m, b, st, c, amt, s, v, due, p)
     ON CONFLICT DO NOTHING RETURNING order_id`,
    [
      rows.map((w) => w.state.orderId),
      rows.map((w) => w.state.merchantId),
      rows.map((w) => w.state.buyerId),
      rows.map((w) => w.state.status),
      rows.map((w) => w.state.currency),
      rows.map((w) => w.state.amountFen),
      rows.map((w) => JSON.stringify(w.state)),
      rows.map((w) => w.state.version),
      rows.map((w) => w.nextTimerAt),
      now,
      rows.map((w) => shardOf(w.state.merchantId)),
    ],
  );
  const inserted = new Set(r.rows.map((row) => row.order_id));
  return rows.map((w) => w.state.orderId).filter((id) => !inserted.has(id));
}

/** Writes orders' new states (rows the caller has locked) in one statement. */
export async function updateOrders(
  tx: Queryable,
  rows: OrderRowWrite[],
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE orders o
        SET status = x.st, state = x.s::jsonb, version = x.v, next_timer_at = x.due,
            updated_at = $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[])
            AS x(id, st, s, v, due)
      WHERE o.order_id = x.id`,
    [
      rows.map((w) => w.state.orderId),
      rows.map((w) => w.state.status),
      rows.map((w) => JSON.stringify(w.state)),
      rows.map((w) => w.state.version),
      rows.map((w) => w.nextTimerAt),
      now,
    ],
  );
}
