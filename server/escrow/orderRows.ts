import { shardOf } from '../../shared/ledger/shards.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';
import type { WriteStatement } from '../db/writeStatement.ts';

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
 * Adds a batch's order rows to its write statement (writeStatement.ts): new orders are
 * inserted, the others (rows the caller has locked) updated, from one JSON document that the
 * `order_rows` CTE reads once; the change log copies final states from it (ORDER_ROW_STATE).
 * Returns a check of the statement's outputs that gives the ids of new orders that were
 * already taken (a concurrent create won), which the caller refuses as `order_exists`.
 *
 * One JSON document, not a text array per column: the states are not escaped into an array
 * literal and parsed back (issue 13; see appendChangeRows). Read as jsonb, not json: a jsonb
 * column taken out of a json document costs PostgreSQL ten times more
 * (docs/write-path-cost.md).
 */
export function writeOrderRowsInto(
  stmt: WriteStatement,
  rows: ReadonlyArray<OrderRowWrite & { isNew: boolean }>,
  now: number,
): (outputs: Record<string, unknown>) => string[] {
  if (rows.length === 0) return () => [];
  const doc = stmt.param(
    JSON.stringify(
      rows.map((w) => ({
        id: w.state.orderId,
        new: w.isNew,
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
  );
  const at = stmt.param(now);
  stmt.with(
    'order_rows',
    `SELECT * FROM jsonb_to_recordset(${doc}::jsonb)
         AS x(id text, new boolean, m text, b text, st text, c text, amt bigint, s jsonb, v int,
              due bigint, p smallint)
      ${stmt.limit(rows.length)}`,
  );
  const fresh = rows.filter((w) => w.isNew).map((w) => w.state.orderId);
  if (fresh.length > 0) {
    stmt.with(
      'orders_new',
      `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
                           version, next_timer_at, created_at, updated_at, shard)
       SELECT id, m, b, st, c, amt, s, v, due, ${at}, ${at}, p FROM order_rows WHERE new
       ON CONFLICT DO NOTHING RETURNING order_id`,
    );
    stmt.output('orders_new', '(SELECT array_agg(order_id) FROM orders_new)');
  }
  if (fresh.length < rows.length)
    stmt.with(
      'orders_changed',
      `UPDATE orders o
          SET status = x.st, state = x.s, version = x.v, next_timer_at = x.due, updated_at = ${at}
         FROM order_rows x
        WHERE o.order_id = x.id AND NOT x.new`,
    );
  return (out) => {
    const inserted = new Set((out.orders_new as string[] | null | undefined) ?? []);
    return fresh.filter((id) => !inserted.has(id));
  };
}
