import type { JournalTransaction } from '../../shared/ledger/verifyJournal.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Held from the first change a transaction logs until it commits, so `seq` values become
 * visible in order: a puller that has seen seq N can never later find a committed N-1.
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
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOG_LOCK]);
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

/**
 * The change log: one row per effect, in commit order of `seq`, written in the same database
 * transaction as the effect. It is the source of `POST /v1/sync/pull` (docs/sync.md): `kind`
 * names the change, `key` what it upserts, and `merchant_id`/`buyer_id` who may see it.
 *
 * Appends change rows in the order given (one statement: seq follows the VALUES list), holding
 * the change-log lock so seq becomes visible in commit order.
 */
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
  if (rows.length === 0) return;
  await lockChangeLog(tx);
  const params: unknown[] = [scope.merchantId, scope.buyerId, commandId, now];
  const values = rows.map((r) => {
    params.push(r.kind, r.key, JSON.stringify(r.payload));
    const n = params.length;
    return `($${n - 2}, $${n - 1}, $1, $2, $3, $${n}, $4)`;
  });
  await tx.query(
    `INSERT INTO changes (kind, key, merchant_id, buyer_id, command_id, payload, created_at)
     VALUES ${values.join(', ')}`,
    params,
  );
}
