import type { JournalTransaction } from '../../shared/ledger/verifyJournal.ts';
import type { Queryable } from '../db/database.ts';
import { WriteStatement } from '../db/writeStatement.ts';

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

/**
 * One entry of an order's timeline as `order_event` changes carry it (`SyncedOrderEvent`,
 * shared/sync/protocol.ts; docs/sync.md), as a SQL expression over a timeline row's columns:
 * the write statement builds the change log's entries with it, and a pull the entries of the
 * orders it sends. Each argument is a SQL expression (`event` a jsonb one).
 */
export function orderEventEntrySql(c: {
  orderId: string;
  version: string;
  commandId: string;
  event: string;
  role: string;
  userId: string;
}): string {
  return `json_build_object('orderId', ${c.orderId}, 'version', ${c.version},
            'type', ${c.event}->>'type', 'at', (${c.event}->>'at')::bigint,
            'commandId', ${c.commandId},
            'actor', json_build_object('role', ${c.role}, 'userId', ${c.userId}),
            'event', ${c.event})`;
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
  /** With ORDER_EVENT_ROW: the version of the timeline row whose entry this is. */
  version?: number;
}

/**
 * The payload of an `order` change that is its order's row exactly as this statement writes it
 * (`orders.state`): the batch sends and parses each final state once, and the log copies it
 * inside the database (jsonb out to the log's json, no parse). Only for the row's final state;
 * an earlier state of the same order in one batch is sent as itself.
 */
export const ORDER_ROW_STATE: unique symbol = Symbol('the order row as written');

/**
 * The payload of an `order_event` change that is a timeline row the same statement inserts: the
 * entry (orderEventEntrySql) is built in SQL from that row and its actor, so each event is sent
 * once, not once for the timeline and again inside its change (issue 13).
 */
export const ORDER_EVENT_ROW: unique symbol = Symbol('the timeline row as written');

/** A shard's journal head as a writer leaves it, written with the shard's change counter. */
export interface LedgerHead {
  shard: number;
  seq: number;
  hash: string;
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
 * of different shards never wait on each other. The rows travel as one JSON document rather
 * than one text array per column: escaping every payload into an array literal, and
 * PostgreSQL parsing it back, was most of the statement's cost (issue 13). The payload column
 * is json (migration 0010): kept as the text written, only checked, never rebuilt as jsonb.
 */
export async function appendChangeRows(tx: Queryable, rows: ChangeLogRow[]): Promise<void> {
  const stmt = new WriteStatement();
  appendChangeRowsInto(stmt, rows, {});
  await stmt.run(tx);
}

/**
 * Adds the change rows to a batch's one write statement (writeStatement.ts), with the journal
 * heads the batch moved: a shard's head row is updated once per statement, ledger head and
 * change counter together. A row whose payload is `ORDER_ROW_STATE` takes the state from the
 * `orderRows` CTE (columns `id`, `s jsonb`) the same statement writes the orders from.
 */
export function appendChangeRowsInto(
  stmt: WriteStatement,
  rows: ChangeLogRow[],
  opts: { ledgerHeads?: readonly LedgerHead[]; orderRows?: string; orderEvents?: string },
): void {
  const heads = opts.ledgerHeads ?? [];
  if (rows.length === 0 && heads.length === 0) return;
  if (!opts.orderRows && rows.some((r) => r.payload === ORDER_ROW_STATE))
    throw new Error('ORDER_ROW_STATE needs the statement that writes the order rows');
  if (!opts.orderEvents && rows.some((r) => r.payload === ORDER_EVENT_ROW))
    throw new Error('ORDER_EVENT_ROW needs the statement that writes the timeline rows');
  const doc = stmt.param(
    JSON.stringify(
      rows.map((r) => ({
        shard: r.shard,
        kind: r.kind,
        key: r.key,
        merchant_id: r.merchantId,
        buyer_id: r.buyerId,
        command_id: r.commandId,
        payload: r.payload === ORDER_ROW_STATE || r.payload === ORDER_EVENT_ROW ? null : r.payload,
        created_at: r.createdAt,
        ev: r.payload === ORDER_EVENT_ROW ? r.version : null,
      })),
    ),
  );
  stmt.with(
    'change_rows',
    `SELECT * FROM ROWS FROM (json_to_recordset(${doc}::json) AS (shard smallint, kind text,
              key text, merchant_id text, buyer_id text, command_id text, payload json,
              created_at bigint, ev int))
       WITH ORDINALITY AS r(shard, kind, key, merchant_id, buyer_id, command_id, payload,
                            created_at, ev, n)`,
  );
  const hShard = stmt.param(heads.map((h) => h.shard));
  const hSeq = stmt.param(heads.map((h) => h.seq));
  const hHash = stmt.param(heads.map((h) => h.hash));
  stmt.with(
    'moved_heads',
    `UPDATE shard_heads h
        SET change_seq = h.change_seq + coalesce(v.n, 0),
            ledger_seq = coalesce(v.seq, h.ledger_seq),
            ledger_hash = coalesce(v.hash, h.ledger_hash)
       FROM (SELECT coalesce(c.shard, l.shard) AS shard, c.n, l.seq, l.hash
               FROM (SELECT shard, count(*) AS n FROM change_rows GROUP BY shard) c
               FULL JOIN unnest(${hShard}::smallint[], ${hSeq}::bigint[], ${hHash}::text[])
                         AS l(shard, seq, hash) ON l.shard = c.shard) v
      WHERE h.shard = v.shard
      RETURNING h.shard, h.change_seq - coalesce(v.n, 0) AS base`,
  );
  // A row sent without its payload takes it from the statement's own order states (`id`,
  // `s jsonb`) or timeline entries (`o`, `v`, `j json`).
  const payload = `coalesce(r.payload${opts.orderRows ? ', w.s::json' : ''}${
    opts.orderEvents ? ', t.j' : ''
  })`;
  const orderState = [
    opts.orderRows
      ? `LEFT JOIN ${opts.orderRows} w
           ON r.payload IS NULL AND r.kind = 'order' AND w.id = r.key`
      : '',
    opts.orderEvents
      ? `LEFT JOIN ${opts.orderEvents} t
           ON r.payload IS NULL AND r.kind = 'order_event' AND t.o = r.key AND t.v = r.ev`
      : '',
  ].join(' ');
  stmt.with(
    'change_log',
    `INSERT INTO changes (shard, seq, kind, key, merchant_id, buyer_id, command_id, payload,
                          created_at)
     SELECT r.shard, b.base + row_number() OVER (PARTITION BY r.shard ORDER BY r.n), r.kind,
            r.key, r.merchant_id, r.buyer_id, r.command_id, ${payload}, r.created_at
       FROM change_rows r JOIN moved_heads b ON b.shard = r.shard ${orderState}
      ORDER BY r.n`,
  );
}
