import type { JournalTransaction } from '../../shared/ledger/verifyJournal.ts';
import type { Queryable } from '../db/database.ts';

/** A journal row as the change log carries it to desks: the shared journal row type. */
export type LedgerTxnChange = JournalTransaction;

/** Logs one posted transaction in its shard, scoped to the merchant's (and buyer's) desks. */
export async function logLedgerChange(
  tx: Queryable,
  txn: LedgerTxnChange,
  scope: { merchantId: string | null; buyerId: string | null },
  commandId: string,
  now: number,
): Promise<void> {
  await appendChangeRows(tx, [
    {
      shard: txn.shard,
      kind: 'ledger_txn',
      key: txn.txnId,
      merchantId: scope.merchantId,
      buyerId: scope.buyerId,
      commandId,
      payload: txn,
      createdAt: now,
    },
  ]);
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

/** One row of the change log as a writer hands it over. */
export interface ChangeLogRow {
  /** The shard whose log orders it (shared/ledger/shards.ts): its merchant's, or its client's. */
  shard: number;
  kind: 'order' | 'ledger_txn' | 'order_event' | 'rejection';
  key: string;
  merchantId: string | null;
  buyerId: string | null;
  commandId: string | null;
  payload: unknown;
  createdAt: number;
}

/**
 * The payload of an `order` change that is its order's row exactly as this transaction has
 * written it (`orders.state`): the batch sends and parses each final state once, and the log
 * copies it inside the database (jsonb out to the log's json, no parse). Only for the row's
 * final state; an earlier state of the same order in one batch is sent as itself.
 */
export const ORDER_ROW_STATE: unique symbol = Symbol('the order row as written');

/**
 * The change log: one row per effect, ordered per shard by `(shard, seq)`, written in the same
 * database transaction as the effect. It is the source of `POST /v1/sync/pull` (docs/sync.md):
 * `kind` names the change, `key` what it upserts, and `merchant_id`/`buyer_id` who may see it.
 *
 * Appends the rows in the order given, in one statement: each shard's `change_seq` counter in
 * `shard_heads` is advanced by its row count and the rows take the seqs in between, in array
 * order. The counter's row lock is held to commit (it is the shard's head row, which a batch
 * that posts holds already), so a shard's seqs become visible in commit order and a puller
 * that reads the committed counter as its high-water mark never skips a late commit. Writers
 * of different shards never wait on each other. The rows travel as one JSON document rather
 * than one text array per column: escaping every payload into an array literal, and
 * PostgreSQL parsing it back, was most of the statement's cost (issue 13). The payload column
 * is json (migration 0010): kept as the text written, only checked, never rebuilt as jsonb.
 */
export async function appendChangeRows(tx: Queryable, rows: ChangeLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH r AS (
       SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (shard smallint, kind text,
                    key text, merchant_id text, buyer_id text, command_id text, payload json,
                    created_at bigint))
         WITH ORDINALITY AS r(shard, kind, key, merchant_id, buyer_id, command_id, payload,
                              created_at, n)
     ), counts AS (
       SELECT shard, count(*) AS n FROM r GROUP BY shard
     ), bumped AS (
       UPDATE shard_heads h SET change_seq = h.change_seq + c.n
         FROM counts c WHERE h.shard = c.shard
       RETURNING h.shard, h.change_seq - c.n AS base
     )
     INSERT INTO changes (shard, seq, kind, key, merchant_id, buyer_id, command_id, payload,
                          created_at)
     SELECT r.shard, b.base + row_number() OVER (PARTITION BY r.shard ORDER BY r.n), r.kind,
            r.key, r.merchant_id, r.buyer_id, r.command_id, coalesce(r.payload, o.state::json),
            r.created_at
       FROM r JOIN bumped b ON b.shard = r.shard
       LEFT JOIN orders o ON r.payload IS NULL AND o.order_id = r.key
      ORDER BY r.n`,
    [
      JSON.stringify(
        rows.map((r) => ({
          shard: r.shard,
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
