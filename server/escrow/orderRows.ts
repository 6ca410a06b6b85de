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
  // One JSON document, not a text array per column: the states are not escaped into an array
  // literal and parsed back (issue 13; see appendChangeRows). Read as jsonb, not json: a jsonb
  // column taken out of a json document costs PostgreSQL ten times more (docs/write-path-cost.md).
  const r = await tx.query<{ order_id: string }>(
    `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
                         version, next_timer_at, created_at, updated_at, shard)
     SELECT id, m, b, st, c, amt, s, v, due, $2, $2, p
       FROM jsonb_to_recordset($1::jsonb)
            AS x(id text, m text, b text, st text, c text, amt bigint, s jsonb, v int, due bigint,
                 p smallint)
     ON CONFLICT DO NOTHING RETURNING order_id`,
    [
      JSON.stringify(
        rows.map((w) => ({
          id: w.state.orderId,
          m: w.state.merchantId,
          b: w.state.buyerId,
          st: w.state.status,
          c: w.state.currency,
          amt: w.state.amountFen,
          s: w.state,
          v: w.state.version,
          due: w.nextTimerAt,
          p: shardOf(w.state.merchantId),
        })),
      ),
      now,
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
        SET status = x.st, state = x.s, version = x.v, next_timer_at = x.due, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, st text, s jsonb, v int, due bigint)
      WHERE o.order_id = x.id`,
    [
      JSON.stringify(
        rows.map((w) => ({
          id: w.state.orderId,
          st: w.state.status,
          s: w.state,
          v: w.state.version,
          due: w.nextTimerAt,
        })),
      ),
      now,
    ],
  );
}
