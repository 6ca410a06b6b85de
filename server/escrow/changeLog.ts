import type { JournalTransaction } from '../../shared/ledger/verifyJournal.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Held from the first change a transaction logs until it commits, so `seq` values become
 * visible in order: a puller that has seen seq N can never later find a committed N-1. Keyed
 * by schema as well (the second key), as the change log it orders is: advisory locks are
 * database-wide, and several schemas in one database (the tests' one per file) must not
 * queue behind each other's writers.
 */
const CHANGE_LOG_LOCK = 0x6368616e; // "chan"

/**
 * Transactions known to hold the lock, so a command that logs several changes (and a push chunk
 * of many commands) asks for it once. A rollback to a savepoint may release a lock taken after
 * it: `forgetChangeLogLock` after any such rollback (asking again when it is still held is
 * harmless).
 */
const holding = new WeakSet<Queryable>();

async function lockChangeLog(tx: Queryable): Promise<void> {
  if (holding.has(tx)) return;
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [CHANGE_LOG_LOCK]);
  // Only a transaction keeps it; a whole database (autocommit) lets go after the statement.
  if (!('transaction' in tx)) holding.add(tx);
}

export function forgetChangeLogLock(tx: Queryable): void {
  holding.delete(tx);
}

/** A journal row as the change log carries it to desks: the shared journal row type. */
export type LedgerTxnChange = JournalTransaction;

export async function logLedgerChange(
  tx: Queryable,
  txn: LedgerTxnChange,
  scope: { merchantId: string | null; buyerId: string | null },
  commandId: string,
  now: number,
): Promise<void> {
  await appendChanges(
    tx,
    [{ kind: 'ledger_txn', key: txn.txnId, payload: txn }],
    commandId,
    now,
    scope,
  );
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
 * A command's effect on its order: the order's new state, then its timeline entries, in one
 * statement. Timeline entries go to the log next to the order they belong to, scoped to the
 * order's merchant, so a desk can show an order's history offline.
 */
export async function logOrderChanges(
  tx: Queryable,
  order: OrderState,
  entries: OrderEventChange[],
  commandId: string,
  now: number,
): Promise<void> {
  await appendChanges(
    tx,
    [
      { kind: 'order', key: order.orderId, payload: order },
      ...entries.map((e) => ({ kind: 'order_event' as const, key: order.orderId, payload: e })),
    ],
    commandId,
    now,
    order,
  );
}

type ChangeRow = { kind: 'order' | 'ledger_txn' | 'order_event'; key: string; payload: unknown };

/** One row of the change log as a writer hands it over. */
export interface ChangeLogRow {
  kind: 'order' | 'ledger_txn' | 'order_event' | 'rejection';
  key: string;
  merchantId: string | null;
  buyerId: string | null;
  commandId: string | null;
  payload: unknown;
  createdAt: number;
}

async function appendChanges(
  tx: Queryable,
  rows: ChangeRow[],
  commandId: string,
  now: number,
  scope: { merchantId: string | null; buyerId: string | null } = {
    merchantId: null,
    buyerId: null,
  },
): Promise<void> {
  await appendChangeRows(
    tx,
    rows.map((r) => ({
      ...r,
      merchantId: scope.merchantId,
      buyerId: scope.buyerId,
      commandId,
      createdAt: now,
    })),
  );
}

/**
 * The payload of an `order` change that is its order's row exactly as this transaction has
 * written it (`orders.state`): the batch sends and parses each final state once, and the log
 * copies it inside the database (jsonb out to the log's json, no parse). Only for the row's final state; an earlier state of the same
 * order in one batch is sent as itself.
 */
export const ORDER_ROW_STATE: unique symbol = Symbol('the order row as written');

/**
 * The change log: one row per effect, in commit order of `seq`, written in the same database
 * transaction as the effect. It is the source of `POST /v1/sync/pull` (docs/sync.md): `kind`
 * names the change, `key` what it upserts, and `merchant_id`/`buyer_id` who may see it.
 *
 * Appends the rows in the order given, in one statement (seq follows the array order), holding
 * the change-log lock so seq becomes visible in commit order. A whole batch of commands logs
 * its changes with one call. The rows travel as one JSON document rather than one text array
 * per column: escaping every payload into an array literal, and PostgreSQL parsing it back, was
 * most of the statement's cost (issue 13). The payload column is json (migration 0010): kept as
 * the text written, only checked, never rebuilt as jsonb.
 */
export async function appendChangeRows(tx: Queryable, rows: ChangeLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await lockChangeLog(tx);
  await tx.query(
    `INSERT INTO changes (kind, key, merchant_id, buyer_id, command_id, payload, created_at)
     SELECT r.kind, r.key, r.merchant_id, r.buyer_id, r.command_id,
            coalesce(r.payload, o.state::json), r.created_at
       FROM ROWS FROM (json_to_recordset($1::json) AS (kind text, key text, merchant_id text,
              buyer_id text, command_id text, payload json, created_at bigint))
              WITH ORDINALITY AS r(kind, key, merchant_id, buyer_id, command_id, payload,
                                   created_at, n)
       LEFT JOIN orders o ON r.payload IS NULL AND o.order_id = r.key
      ORDER BY r.n`,
    [
      JSON.stringify(
        rows.map((r) => ({
          kind: r.kind,
          key: r.key,
          merchant_id: r.merchantId,
          buyer_id: r.buyerId,
          command_id: r.commandId,
          payload: r.payload === ORDER_ROW_STATE ? null : r.payload,
          created_at: r.createdAt,
        })),
      ),
    ],
  );
}
