/**
 * Sync protocol 2 (docs/partitioning.md): the server's journal is ordered per shard, so a
 * journal row is keyed by (shard, seq) and its hash covers its shard. Rows of protocol 1 (one
 * global seq, hashed without a shard) cannot be kept: the confirmed journal and the balances it
 * summed are dropped, with the pull cookie, so the replica downloads again (orders, timelines,
 * the outbox and sync issues stay; the bootstrap re-sends orders idempotently).
 */
export const sql = `
DROP TABLE sync_txns;
CREATE TABLE sync_txns (
  shard      INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  txn_id     TEXT    NOT NULL UNIQUE,
  command_id TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  currency   TEXT    NOT NULL,
  order_id   TEXT,
  legs_json  TEXT    NOT NULL,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL,
  PRIMARY KEY (shard, seq)
) STRICT;
CREATE INDEX sync_txns_by_order ON sync_txns (order_id) WHERE order_id IS NOT NULL;
CREATE TRIGGER sync_txns_no_update BEFORE UPDATE ON sync_txns
  BEGIN SELECT RAISE(ABORT, 'append_only: sync_txns'); END;
CREATE TRIGGER sync_txns_no_delete BEFORE DELETE ON sync_txns
  BEGIN SELECT RAISE(ABORT, 'append_only: sync_txns'); END;
DELETE FROM sync_balances;
DELETE FROM sync_meta WHERE key IN ('cookie', 'bootstrapped');
`;
