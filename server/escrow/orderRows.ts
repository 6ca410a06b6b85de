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
 * What changed between an order's stored state and its new one, by top-level key: the values
 * to set and the keys to drop (a key whose new value is undefined, which JSON leaves out).
 * States are immutable (`evolve` builds a new object and shares what it did not change), so an
 * unchanged key holds the very same value; a changed one is compared by identity and sent.
 */
export function statePatch(
  stored: OrderState,
  next: OrderState,
): { set: Record<string, unknown>; del: string[] } {
  const before = stored as unknown as Record<string, unknown>;
  const after = next as unknown as Record<string, unknown>;
  const set: Record<string, unknown> = {};
  const del: string[] = [];
  for (const k of Object.keys(after)) {
    const v = after[k];
    if (v === undefined) {
      if (before[k] !== undefined) del.push(k);
    } else if (v !== before[k]) set[k] = v;
  }
  for (const k of Object.keys(before)) if (before[k] !== undefined && !(k in after)) del.push(k);
  return { set, del };
}

/**
 * Adds a batch's order rows to its write statement (writeStatement.ts): new orders are
 * inserted whole; a stored order (a row the caller has locked, holding `stored`) is updated
 * with only the top-level keys that changed (`state - del || set`): on the HTTP path a
 * command changes a handful of an order's two dozen keys, and the whole state was the
 * largest part of a batch's bytes (issue 13). The `order_states` CTE (`id`, `s jsonb`) holds
 * every written row's full new state, from the INSERT's document and the UPDATE's RETURNING,
 * for the change log to copy (ORDER_ROW_STATE). Returns a check of the statement's outputs
 * that gives the ids of new orders that were already taken (a concurrent create won), which
 * the caller refuses as `order_exists`.
 *
 * One JSON document, not a text array per column: the states are not escaped into an array
 * literal and parsed back (issue 13; see appendChangeRows). Read as jsonb, not json: a jsonb
 * column taken out of a json document costs PostgreSQL ten times more
 * (docs/write-path-cost.md).
 */
export function writeOrderRowsInto(
  stmt: WriteStatement,
  rows: ReadonlyArray<OrderRowWrite & { stored: OrderState | null }>,
  now: number,
): (outputs: Record<string, unknown>) => string[] {
  if (rows.length === 0) return () => [];
  const doc = stmt.param(
    JSON.stringify(
      rows.map((w) => {
        const patch = w.stored === null ? null : statePatch(w.stored, w.state);
        return {
          id: w.state.orderId,
          new: w.stored === null,
          m: w.state.merchantId,
          b: w.state.buyerId,
          st: w.state.status,
          c: w.state.currency,
          amt: w.state.amountFen,
          s: patch === null ? w.state : null,
          set: patch?.set ?? null,
          del: patch !== null && patch.del.length > 0 ? patch.del : null,
          v: w.state.version,
          due: w.nextTimerAt,
          p: shardOf(w.state.merchantId),
        };
      }),
    ),
  );
  const at = stmt.param(now);
  stmt.with(
    'order_rows',
    `SELECT * FROM jsonb_to_recordset(${doc}::jsonb)
         AS x(id text, new boolean, m text, b text, st text, c text, amt bigint, s jsonb,
              set jsonb, del text[], v int, due bigint, p smallint)
      ${stmt.limit(rows.length)}`,
  );
  const fresh = rows.filter((w) => w.stored === null).map((w) => w.state.orderId);
  const states: string[] = [];
  if (fresh.length > 0) {
    stmt.with(
      'orders_new',
      `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, state,
                           version, next_timer_at, created_at, updated_at, shard)
       SELECT id, m, b, st, c, amt, s, v, due, ${at}, ${at}, p FROM order_rows WHERE new
       ON CONFLICT DO NOTHING RETURNING order_id`,
    );
    stmt.output('orders_new', '(SELECT array_agg(order_id) FROM orders_new)');
    states.push('SELECT id, s FROM order_rows WHERE new');
  }
  if (fresh.length < rows.length) {
    stmt.with(
      'orders_changed',
      `UPDATE orders o
          SET status = x.st, version = x.v, next_timer_at = x.due, updated_at = ${at},
              state = (o.state - coalesce(x.del, '{}'::text[])) || coalesce(x.set, '{}'::jsonb)
         FROM order_rows x
        WHERE o.order_id = x.id AND NOT x.new
        RETURNING o.order_id AS id, o.state AS s`,
    );
    states.push('SELECT id, s FROM orders_changed');
  }
  stmt.with('order_states', states.join(' UNION ALL '));
  return (out) => {
    const inserted = new Set((out.orders_new as string[] | null | undefined) ?? []);
    return fresh.filter((id) => !inserted.has(id));
  };
}
