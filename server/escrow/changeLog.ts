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
 * The change log: one row per effect, ordered per shard by `(shard, seq)`, written in the same
 * database transaction as the effect. It is the source of `POST /v1/sync/pull` (docs/sync.md):
 * `kind` names the change, `key` what it upserts, and `merchant_id`/`buyer_id` who may see it.
 *
 * Appends the rows in the order given, in one statement: each shard's `change_seq` counter in
 * `shard_heads` is advanced by its row count and the rows take the seqs in between, in array
 * order. The counter's row lock is held to commit (it is the shard's head row, which a batch
 * that posts holds already), so a shard's seqs become visible in commit order and a puller
 * that reads the committed counter as its high-water mark never skips a late commit. Writers
 * of different shards never wait on each other.
 */
export async function appendChangeRows(tx: Queryable, rows: ChangeLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH r AS (
       SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::text[], $7::text[], $8::bigint[]) WITH ORDINALITY
         AS r(shard, kind, key, merchant_id, buyer_id, command_id, payload, created_at, n)
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
            r.key, r.merchant_id, r.buyer_id, r.command_id, r.payload::jsonb, r.created_at
       FROM r JOIN bumped b ON b.shard = r.shard
      ORDER BY r.n`,
    [
      rows.map((r) => r.shard),
      rows.map((r) => r.kind),
      rows.map((r) => r.key),
      rows.map((r) => r.merchantId),
      rows.map((r) => r.buyerId),
      rows.map((r) => r.commandId),
      rows.map((r) => JSON.stringify(r.payload)),
      rows.map((r) => r.createdAt),
    ],
  );
}
