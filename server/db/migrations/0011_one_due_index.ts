import type { Migration } from '../migrate.ts';

/**
 * Issue 13: `orders_due (next_timer_at)` is dropped. Since migration 9 the timer scheduler asks
 * per shard (`orders_due_by_shard (shard, next_timer_at)`), and its look-up of the shards with
 * due timers probes that index once per shard (timerScheduler.ts). Every order write is an
 * INSERT or a non-HOT UPDATE (`next_timer_at` changes with nearly every command), so each one
 * also wrote an entry into this unused index: one index insertion of five per order row.
 */
export const migration0011: Migration = {
  id: 11,
  name: 'one_due_index',
  sql: `DROP INDEX IF EXISTS orders_due`,
};
