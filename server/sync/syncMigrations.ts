import type { Database } from '../db/database.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { StatementMigration } from '../db/migrate.ts';
import { AGENT_SCOPE_TRIGGER_SQL } from './agentScopeTrigger.ts';
import { AGENT_SCOPE_TYPES_SQL } from './syncScope.ts';

/**
 * The sync endpoints' own tables, applied by `prepareSyncSchema` when the routes register.
 * Ids from 100 up share `schema_migrations` with the server's list without colliding with it,
 * so sync can add tables without editing that list.
 *
 * - `sync_clients`: one row per desk install: whose it is and the last mutation processed.
 * - `sync_results`: each processed mutation's answer, so a retried push gets the same answer.
 * - Rejections are `changes` rows of kind `rejection` keyed by client id (visible to that client
 *   only), found through a partial index.
 */
const SYNC_MIGRATIONS: readonly StatementMigration[] = [
  {
    id: 100,
    name: 'sync_clients_and_results',
    statements: [
      `CREATE TABLE sync_clients (
         client_id text PRIMARY KEY,
         user_id text NOT NULL,
         last_mutation_id bigint NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
         created_at bigint NOT NULL,
         updated_at bigint NOT NULL
       )`,
      `CREATE TABLE sync_results (
         client_id text NOT NULL REFERENCES sync_clients(client_id),
         mutation_id bigint NOT NULL CHECK (mutation_id > 0),
         command_id text NOT NULL,
         status text NOT NULL CHECK (status IN ('applied', 'rejected')),
         error jsonb,
         created_at bigint NOT NULL,
         PRIMARY KEY (client_id, mutation_id)
       )`,
      `CREATE INDEX changes_rejections_by_client ON changes (key, seq) WHERE kind = 'rejection'`,
      // Bootstrap pages a merchant's orders by order id (keyset paging).
      `CREATE INDEX orders_by_merchant_and_id ON orders (merchant_id, order_id)`,
      `CREATE INDEX ledger_transactions_by_order ON ledger_transactions (order_id, seq)`,
    ],
  },
  {
    id: 101,
    name: 'agent_scope_entry_index',
    statements: [
      // Finds when an order entered the agents' scope (pullChanges' agent back-fill).
      `CREATE INDEX changes_order_events_by_order ON changes (key, seq) WHERE kind = 'order_event'`,
    ],
  },
  {
    id: 102,
    name: 'agent_scope_entries',
    statements: [
      // When each order entered the agents' scope: the change-log seq of its first claim or
      // escalation. Pull and the scoped chain compare it with a cookie, so a desk is checked
      // against the scope as it stood when it last pulled (docs/sync.md "Visibility").
      `CREATE TABLE agent_scope_entries (
         order_id text PRIMARY KEY,
         change_seq bigint NOT NULL
       )`,
      `CREATE INDEX agent_scope_entries_by_seq ON agent_scope_entries (change_seq)`,
      `CREATE FUNCTION note_agent_scope_entry() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO agent_scope_entries (order_id, change_seq) VALUES (NEW.key, NEW.seq)
           ON CONFLICT (order_id) DO NOTHING;
         RETURN NULL;
       END
       $$`,
      AGENT_SCOPE_TRIGGER_SQL,
      // After the trigger, whose lock waited for every insert in flight: nothing falls between.
      `INSERT INTO agent_scope_entries (order_id, change_seq)
       SELECT key, min(seq) FROM changes
        WHERE kind = 'order_event' AND payload->>'type' IN (${AGENT_SCOPE_TYPES_SQL})
        GROUP BY key`,
    ],
  },
  {
    id: 103,
    name: 'sync_poke',
    statements: [
      // Pokes (docs/sync.md "Pokes"): after each insert into the change log, one NOTIFY per
      // sync scope it touched, on a channel of this schema. NOTIFY is delivered at commit and
      // folded per transaction, so a push of 500 commands pokes a merchant once; every API
      // process LISTENs and tells its subscribed desks, which then pull.
      `CREATE FUNCTION poke_sync_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         scope text;
       BEGIN
         FOR scope IN
           SELECT DISTINCT 'm:' || merchant_id FROM poked WHERE merchant_id IS NOT NULL
           UNION
           SELECT 'agent' WHERE EXISTS (
             SELECT 1 FROM poked p JOIN agent_scope_entries a ON a.order_id = p.key)
         LOOP
           PERFORM pg_notify('sync_poke_' || current_schema(), scope);
         END LOOP;
         RETURN NULL;
       END
       $$`,
      // A statement trigger runs after the row triggers, so an order that has just entered the
      // agents' scope (agent_scope_entries, above) pokes the agents too.
      `CREATE TRIGGER changes_poke AFTER INSERT ON changes REFERENCING NEW TABLE AS poked
         FOR EACH STATEMENT EXECUTE FUNCTION poke_sync_scopes()`,
    ],
  },
  {
    id: 800,
    name: 'sync_shards',
    statements: [
      // The change log is ordered per shard (server migration 8): an order's entry into the
      // agents' scope is the (shard, seq) of its first claim or escalation, compared with the
      // cursor a desk's cookie holds for that shard. Entries back-filled by migration 102 on a
      // database whose routes registered late take the shard of their order's changes (all of
      // an order's changes are in one shard, so 102's min(seq) was already within it).
      `ALTER TABLE agent_scope_entries ADD COLUMN shard smallint CHECK (shard >= 0)`,
      `DROP INDEX agent_scope_entries_by_seq`,
      `CREATE INDEX agent_scope_entries_by_seq ON agent_scope_entries (shard, change_seq)`,
      `CREATE OR REPLACE FUNCTION note_agent_scope_entry() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO agent_scope_entries (order_id, shard, change_seq)
           VALUES (NEW.key, NEW.shard, NEW.seq)
           ON CONFLICT (order_id) DO NOTHING;
         RETURN NULL;
       END
       $$`,
      `UPDATE agent_scope_entries a SET shard = (
         SELECT c.shard FROM changes c
          WHERE c.kind = 'order_event' AND c.key = a.order_id AND c.seq = a.change_seq
          LIMIT 1)
        WHERE a.shard IS NULL`,
      `ALTER TABLE agent_scope_entries ALTER COLUMN shard SET NOT NULL`,
      `DROP INDEX changes_rejections_by_client`,
      `CREATE INDEX changes_rejections_by_client ON changes (shard, key, seq)
         WHERE kind = 'rejection'`,
      `DROP INDEX changes_order_events_by_order`,
      `CREATE INDEX changes_order_events_by_order ON changes (shard, key, seq)
         WHERE kind = 'order_event'`,
      `DROP INDEX ledger_transactions_by_order`,
      `CREATE INDEX ledger_transactions_by_order ON ledger_transactions (order_id, shard, seq)`,
    ],
  },
];

export async function prepareSyncSchema(db: Database): Promise<void> {
  await applyMigrations(db, SYNC_MIGRATIONS);
}
