import type { Db } from '../store/openDatabase.ts';

/**
 * The sync client's own tables, kept apart from the store's numbered migrations (which must be
 * contiguous from 1) so sync can evolve without renumbering theirs. Versions are tracked in
 * `sync_schema`; each step runs in one transaction with its version bump.
 *
 * - `sync_orders` / `sync_txns`: the confirmed replica, exactly what the server sent. The
 *   journal replica is append-only like the store's own journal.
 * - `sync_outbox`: mutations not yet confirmed by a pull, written before the optimistic apply.
 * - `sync_provisional_*`: the overlay of pending mutations replayed on the confirmed state;
 *   rebuilt, never synced, and always shown as provisional.
 * - `sync_order_events`: the orders' timelines as the server recorded them; append-only.
 * - `sync_issues`: rejections the user has to see; kept until acknowledged, never dropped.
 */
const STEPS: readonly string[] = [
  `
CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE sync_outbox (
  mutation_id      INTEGER PRIMARY KEY,
  command_id       TEXT    NOT NULL UNIQUE,
  order_id         TEXT    NOT NULL,
  command_json     TEXT    NOT NULL,
  client_time      INTEGER NOT NULL,
  base_version     INTEGER,
  base_state_json  TEXT,
  server_status    TEXT CHECK (server_status IN ('applied', 'rejected')),
  error_code       TEXT,
  error_message    TEXT,
  local_error_code TEXT
) STRICT;
CREATE INDEX sync_outbox_by_order ON sync_outbox (order_id, mutation_id);

CREATE TABLE sync_orders (
  order_id    TEXT    PRIMARY KEY,
  merchant_id TEXT    NOT NULL,
  status      TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  state_json  TEXT    NOT NULL
) STRICT;
CREATE INDEX sync_orders_by_merchant ON sync_orders (merchant_id, created_at, order_id);

CREATE TABLE sync_txns (
  seq       INTEGER PRIMARY KEY,
  txn_id    TEXT    NOT NULL UNIQUE,
  kind      TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  currency  TEXT    NOT NULL,
  order_id  TEXT,
  legs_json TEXT    NOT NULL,
  hash      TEXT    NOT NULL
) STRICT;
CREATE INDEX sync_txns_by_order ON sync_txns (order_id) WHERE order_id IS NOT NULL;
CREATE TRIGGER sync_txns_no_update BEFORE UPDATE ON sync_txns
  BEGIN SELECT RAISE(ABORT, 'append_only: sync_txns'); END;
CREATE TRIGGER sync_txns_no_delete BEFORE DELETE ON sync_txns
  BEGIN SELECT RAISE(ABORT, 'append_only: sync_txns'); END;

CREATE TABLE sync_balances (
  currency    TEXT    NOT NULL,
  account     TEXT    NOT NULL,
  balance_fen INTEGER NOT NULL,
  PRIMARY KEY (currency, account)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_provisional_orders (
  order_id      TEXT    PRIMARY KEY,
  state_json    TEXT    NOT NULL,
  pending_count INTEGER NOT NULL
) STRICT;

CREATE TABLE sync_provisional_legs (
  mutation_id INTEGER NOT NULL,
  leg         INTEGER NOT NULL,
  order_id    TEXT    NOT NULL,
  kind        TEXT    NOT NULL,
  at          INTEGER NOT NULL,
  currency    TEXT    NOT NULL,
  account     TEXT    NOT NULL,
  amount_fen  INTEGER NOT NULL,
  PRIMARY KEY (mutation_id, leg)
) STRICT;
CREATE INDEX sync_provisional_legs_by_order ON sync_provisional_legs (order_id);

CREATE TABLE sync_issues (
  mutation_id        INTEGER PRIMARY KEY,
  command_id         TEXT    NOT NULL,
  order_id           TEXT    NOT NULL,
  command_json       TEXT    NOT NULL,
  code               TEXT    NOT NULL,
  message            TEXT    NOT NULL,
  base_state_json    TEXT,
  current_state_json TEXT,
  next_actions_json  TEXT    NOT NULL,
  created_at         INTEGER NOT NULL,
  acknowledged_at    INTEGER,
  retried_as         INTEGER
) STRICT;
`,
  // 2: the orders' timelines (what happened, when, by whom) and which command posted each
  // journal row, so an order's detail reads like local mode's, offline too.
  `
ALTER TABLE sync_txns ADD COLUMN command_id TEXT;

CREATE TABLE sync_order_events (
  order_id    TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  at          INTEGER NOT NULL,
  command_id  TEXT    NOT NULL,
  actor_role  TEXT    NOT NULL,
  actor_user  TEXT    NOT NULL,
  event_json  TEXT    NOT NULL,
  PRIMARY KEY (order_id, version)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER sync_order_events_no_update BEFORE UPDATE ON sync_order_events
  BEGIN SELECT RAISE(ABORT, 'append_only: sync_order_events'); END;
CREATE TRIGGER sync_order_events_no_delete BEFORE DELETE ON sync_order_events
  BEGIN SELECT RAISE(ABORT, 'append_only: sync_order_events'); END;
`,
  // 3: the order list's keyset pages (newest first) by merchant and status, by status (agents)
  // and unfiltered, each read from an index rather than by sorting the whole replica.
  `
CREATE INDEX sync_orders_by_merchant_status ON sync_orders (merchant_id, status, created_at, order_id);
CREATE INDEX sync_orders_by_status ON sync_orders (status, created_at, order_id);
CREATE INDEX sync_orders_by_created ON sync_orders (created_at, order_id);
`,
];

export function migrateSync(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS sync_schema (version INTEGER NOT NULL) STRICT');
  const row = db.prepare<[], { version: number }>('SELECT version FROM sync_schema').get();
  let current = row?.version ?? 0;
  if (current > STEPS.length) {
    throw new Error(`sync schema version ${current} is newer than this build (${STEPS.length})`);
  }
  for (const step of STEPS.slice(current)) {
    db.transaction(() => {
      db.exec(step);
      current++;
      db.prepare('DELETE FROM sync_schema').run();
      db.prepare('INSERT INTO sync_schema (version) VALUES (?)').run(current);
    }).immediate();
  }
}
