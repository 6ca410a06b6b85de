import { SHARD_COUNT } from '../../../shared/ledger/shards.ts';
import type { Migration } from '../migrate.ts';

/**
 * Issue 13: the journal and the change log ordered per shard (docs/partitioning.md), so no
 * command serialises on a platform-wide row or lock.
 *
 * - `shard_heads`: one row per shard holding its journal head (seq, hash) and its change-log
 *   sequence. Writers lock their shard's row (`FOR UPDATE`) and keep it to commit: that one row
 *   lock orders the shard's chain and makes its change seqs visible in commit order, replacing
 *   the singleton `ledger_head` and the global change-log advisory lock. A puller reads the
 *   committed `change_seq` as the shard's high-water mark without waiting on anyone.
 * - `ledger_transactions`, `changes`: keyed `(shard, seq)`, seq counting within the shard.
 * - `ledger_entries`, `account_balances`: carry the shard; a balance row is a sub-account
 *   `(shard, account, currency)`, so the platform's accounts (bank, fees, guarantee fund) are
 *   S rows that balances and verify sum, never one hot row.
 * - `ledger_rollups`: the periodic platform-wide head, a Merkle root over the shard heads.
 *
 * Existing journals were chained without a shard in the hash, so this migration refuses a
 * database that already holds journal rows or changes instead of re-signing history: such a
 * database is exported and re-imported shard by shard, offline.
 */
export const migration0008: Migration = {
  id: 8,
  name: 'journal_shards',
  sql: `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_transactions) OR EXISTS (SELECT 1 FROM changes) THEN
    RAISE EXCEPTION 'migration 8 (journal shards) needs an empty journal and change log; re-import this database shard by shard (docs/partitioning.md)';
  END IF;
END
$$
--;;
CREATE TABLE shard_heads (
  shard smallint PRIMARY KEY CHECK (shard >= 0),
  ledger_seq bigint NOT NULL CHECK (ledger_seq >= 0),
  ledger_hash text NOT NULL,
  change_seq bigint NOT NULL CHECK (change_seq >= 0)
)
--;;
INSERT INTO shard_heads (shard, ledger_seq, ledger_hash, change_seq)
  SELECT s, 0, repeat('0', 64), 0 FROM generate_series(0, ${SHARD_COUNT - 1}) AS s
--;;
DROP TABLE ledger_head
--;;
ALTER TABLE ledger_transactions ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_pkey
--;;
ALTER TABLE ledger_transactions ADD PRIMARY KEY (shard, seq)
--;;
ALTER TABLE ledger_entries ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE account_balances ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE account_balances DROP CONSTRAINT account_balances_pkey
--;;
ALTER TABLE account_balances ADD PRIMARY KEY (shard, account, currency)
--;;
CREATE INDEX account_balances_by_account ON account_balances (account, currency)
--;;
ALTER TABLE changes ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE changes ALTER COLUMN seq DROP DEFAULT
--;;
DROP SEQUENCE changes_seq_seq
--;;
ALTER TABLE changes DROP CONSTRAINT changes_pkey
--;;
ALTER TABLE changes ADD PRIMARY KEY (shard, seq)
--;;
DROP INDEX changes_by_merchant
--;;
CREATE INDEX changes_by_merchant ON changes (merchant_id, shard, seq)
--;;
CREATE TABLE ledger_rollups (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  root text NOT NULL,
  heads jsonb NOT NULL
)
`,
};
