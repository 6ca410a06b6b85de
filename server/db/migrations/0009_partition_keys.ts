import type { Migration } from '../migrate.ts';

/**
 * Issue 13 item 5: every table of the escrow write path carries its partition key, the shard
 * of the merchant it belongs to (shared/ledger/shards.ts), so a batch's statements name one
 * shard and a distributed engine (docs/scale-out.md: Citus, distributed by shard) routes each
 * to one worker. Written by the writers, never derived in SQL: the shard function lives once,
 * in shared/. The tables are empty when it runs (migration 8 refuses otherwise).
 */
export const migration0009: Migration = {
  id: 9,
  name: 'partition_keys',
  sql: `
ALTER TABLE orders ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
CREATE INDEX orders_due_by_shard ON orders (shard, next_timer_at) WHERE next_timer_at IS NOT NULL
--;;
ALTER TABLE order_events ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE commands ADD COLUMN shard smallint CHECK (shard >= 0)
--;;
ALTER TABLE escrow_holds ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE escrow_resolutions ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE claim_payments ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
--;;
ALTER TABLE withdrawal_settlements ADD COLUMN shard smallint NOT NULL CHECK (shard >= 0)
`,
};
