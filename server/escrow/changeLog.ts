import type { OrderState } from '../../shared/escrow/types.ts';
import type { Leg } from '../../shared/ledger/types.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Held from the first change a transaction logs until it commits, so `seq` values become
 * visible in order: a puller that has seen seq N can never later find a committed N-1.
 */
const CHANGE_LOG_LOCK = 0x6368616e; // "chan"

async function lockChangeLog(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOG_LOCK]);
}

/**
 * The change log: one row per effect, in commit order of `seq`, written in the same database
 * transaction as the effect. It is the source of `POST /v1/sync/pull` (docs/sync.md): `kind`
 * names the change, `key` what it upserts, and `merchant_id`/`buyer_id` who may see it.
 */
export async function logOrderChange(
  tx: Queryable,
  order: OrderState,
  commandId: string,
  now: number,
): Promise<void> {
  await appendChange(tx, 'order', order.orderId, order, commandId, now, order);
}

export interface LedgerTxnChange {
  seq: number;
  txnId: string;
  /** The command that posted it; lets the desk show which action moved the money. */
  commandId: string;
  kind: string;
  at: number;
  currency: string;
  orderId: string | null;
  legs: Leg[];
  hash: string;
}

export async function logLedgerChange(
  tx: Queryable,
  txn: LedgerTxnChange,
  scope: { merchantId: string | null; buyerId: string | null },
  commandId: string,
  now: number,
): Promise<void> {
  await appendChange(tx, 'ledger_txn', txn.txnId, txn, commandId, now, scope);
}

/** One entry of an order's timeline, as `order_event` changes carry it (docs/sync.md). */
export interface OrderEventChange {
  orderId: string;
  version: number;
  type: string;
  at: number;
  commandId: string;
  actor: { role: string; userId: string };
  event: unknown;
}

/**
 * Timeline entries go to the log next to the order they belong to, scoped to the order's
 * merchant, so a desk can show an order's history offline.
 */
export async function logOrderEventChange(
  tx: Queryable,
  entry: OrderEventChange,
  order: OrderState,
  now: number,
): Promise<void> {
  await appendChange(tx, 'order_event', order.orderId, entry, entry.commandId, now, order);
}

/** Appends one change row, holding the change-log lock so seq becomes visible in commit order. */
async function appendChange(
  tx: Queryable,
  kind: 'order' | 'ledger_txn' | 'order_event',
  key: string,
  payload: unknown,
  commandId: string,
  now: number,
  scope: { merchantId: string | null; buyerId: string | null },
): Promise<void> {
  await lockChangeLog(tx);
  await tx.query(
    `INSERT INTO changes (kind, key, merchant_id, buyer_id, command_id, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [kind, key, scope.merchantId, scope.buyerId, commandId, JSON.stringify(payload), now],
  );
}
