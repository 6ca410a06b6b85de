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

/** Inserts a new order; false when the id is taken (a concurrent create won). */
export async function insertOrder(
  tx: Queryable,
  state: OrderState,
  nextTimerAt: number | null,
  now: number,
): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
                         version, next_timer_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT DO NOTHING`,
    [
      state.orderId,
      state.merchantId,
      state.buyerId,
      state.status,
      state.currency,
      state.amountFen,
      JSON.stringify(state),
      state.version,
      nextTimerAt,
      now,
    ],
  );
  return r.rowCount > 0;
}

export async function updateOrder(
  tx: Queryable,
  state: OrderState,
  nextTimerAt: number | null,
  now: number,
): Promise<void> {
  await tx.query(
    `UPDATE orders SET status = $2, state = $3, version = $4, next_timer_at = $5, updated_at = $6
     WHERE order_id = $1`,
    [state.orderId, state.status, JSON.stringify(state), state.version, nextTimerAt, now],
  );
}
