/**
 * The replica database of one signed-in user of one central server (docs/sync.md). The desk is
 * never a second ledger: it holds a copy of what its user may see, an outbox of that user's
 * actions and a provisional overlay that decides queued actions with the shared rules.
 *
 * - `sync_orders` / `sync_txns` / `sync_order_events`: the confirmed replica, exactly as the
 *   server sent it; journal and timeline rows are append-only. Each journal row keeps the
 *   server's `prev_hash` so the desk recomputes every transaction hash from the legs it holds.
 * - `sync_balances`: what the held journal rows sum to per account (checked by verify).
 * - `sync_outbox`: mutations not yet confirmed by a pull, written before the optimistic apply.
 * - `sync_provisional_*`: the overlay of pending mutations replayed on the confirmed state;
 *   rebuilt, never synced, and always shown as provisional.
 * - `sync_issues`: rejections the user has to see; kept until acknowledged, never dropped.
 * - `order_lookup` + `order_fts`: the order search (FTS5 trigram) and the shipping and refund
 *   queues, fed by triggers from what the desk shows (the provisional state while there is
 *   one, else the confirmed state), in the same transaction as every replica write.
 */
const fromState = (s: string) => `
  json_extract(${s}, '$.orderId'), json_extract(${s}, '$.merchantId'),
  json_extract(${s}, '$.buyerId'), json_extract(${s}, '$.status'),
  json_extract(${s}, '$.createdAt'),
  coalesce(json_extract(${s}, '$.item.title'), ''),
  coalesce(json_extract(${s}, '$.shipment.trackingNo'), ''),
  CASE WHEN json_extract(${s}, '$.status') = 'funds_held' THEN json_extract(${s}, '$.shipByAt') END,
  (SELECT min(json_extract(r.value, '$.dueAt')) FROM json_each(${s}, '$.refunds') r
    WHERE json_extract(r.value, '$.status') IN ('requested', 'awaiting_seller_confirm'))`;

const upsertLookup = (state: string) => `
  INSERT INTO order_lookup (order_id, merchant_id, buyer_id, status, created_at, title,
                            tracking_no, ship_by_at, refund_due_at)
    SELECT ${fromState(state)} WHERE ${state} IS NOT NULL
  ON CONFLICT (order_id) DO UPDATE SET
    status = excluded.status, title = excluded.title, tracking_no = excluded.tracking_no,
    ship_by_at = excluded.ship_by_at, refund_due_at = excluded.refund_due_at;`;

/**
 * What a one- or two-character search looks in (the trigram index needs three): the searched
 * fields in one lower-cased string, so a scan of 100,000 orders does one substring test per
 * row instead of four case-folding LIKEs. SQLite's lower() folds ASCII only, as LIKE does.
 */
const shortSearchText = `lower(order_id || char(31) || buyer_id || char(31) || title || char(31) || tracking_no)`;

export const sql = `
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
CREATE INDEX sync_orders_by_merchant_status ON sync_orders (merchant_id, status, created_at, order_id);
CREATE INDEX sync_orders_by_status ON sync_orders (status, created_at, order_id);
CREATE INDEX sync_orders_by_created ON sync_orders (created_at, order_id);

CREATE TABLE sync_txns (
  seq        INTEGER PRIMARY KEY,
  txn_id     TEXT    NOT NULL UNIQUE,
  command_id TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  currency   TEXT    NOT NULL,
  order_id   TEXT,
  legs_json  TEXT    NOT NULL,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL
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

-- The lookup row has its own INTEGER PRIMARY KEY: FTS5 external content needs a stable rowid.
-- ship_by_at is set only while the order waits for shipment and refund_due_at only while a
-- refund waits for the seller, so each queue is one partial index.
CREATE TABLE order_lookup (
  id            INTEGER PRIMARY KEY,
  order_id      TEXT    NOT NULL UNIQUE,
  merchant_id   TEXT    NOT NULL,
  buyer_id      TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  title         TEXT    NOT NULL,
  tracking_no   TEXT    NOT NULL,
  ship_by_at    INTEGER,
  refund_due_at INTEGER,
  short_search  TEXT    GENERATED ALWAYS AS (${shortSearchText}) STORED
) STRICT;
CREATE INDEX order_lookup_by_merchant ON order_lookup (merchant_id, created_at, order_id);
CREATE INDEX order_lookup_by_status ON order_lookup (merchant_id, status, created_at, order_id);
CREATE INDEX order_lookup_ship_queue ON order_lookup (merchant_id, ship_by_at)
  WHERE ship_by_at IS NOT NULL;
CREATE INDEX order_lookup_by_tracking ON order_lookup (tracking_no) WHERE tracking_no <> '';
CREATE INDEX order_lookup_refund_queue ON order_lookup (merchant_id, refund_due_at)
  WHERE refund_due_at IS NOT NULL;

CREATE VIRTUAL TABLE order_fts USING fts5(
  order_id, buyer_id, title, tracking_no,
  content = 'order_lookup', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER order_lookup_ai AFTER INSERT ON order_lookup BEGIN
  INSERT INTO order_fts (rowid, order_id, buyer_id, title, tracking_no)
    VALUES (NEW.id, NEW.order_id, NEW.buyer_id, NEW.title, NEW.tracking_no);
END;
-- Only updates that change the indexed text rewrite the trigram index (its costliest write).
CREATE TRIGGER order_lookup_au AFTER UPDATE OF order_id, buyer_id, title, tracking_no
  ON order_lookup
  WHEN OLD.order_id IS NOT NEW.order_id OR OLD.buyer_id IS NOT NEW.buyer_id
    OR OLD.title IS NOT NEW.title OR OLD.tracking_no IS NOT NEW.tracking_no
BEGIN
  INSERT INTO order_fts (order_fts, rowid, order_id, buyer_id, title, tracking_no)
    VALUES ('delete', OLD.id, OLD.order_id, OLD.buyer_id, OLD.title, OLD.tracking_no);
  INSERT INTO order_fts (rowid, order_id, buyer_id, title, tracking_no)
    VALUES (NEW.id, NEW.order_id, NEW.buyer_id, NEW.title, NEW.tracking_no);
END;

CREATE TRIGGER sync_orders_lookup_ai AFTER INSERT ON sync_orders
  WHEN NOT EXISTS (SELECT 1 FROM sync_provisional_orders p WHERE p.order_id = NEW.order_id)
BEGIN ${upsertLookup('NEW.state_json')} END;
CREATE TRIGGER sync_orders_lookup_au AFTER UPDATE ON sync_orders
  WHEN NOT EXISTS (SELECT 1 FROM sync_provisional_orders p WHERE p.order_id = NEW.order_id)
BEGIN ${upsertLookup('NEW.state_json')} END;
CREATE TRIGGER sync_provisional_lookup_ai AFTER INSERT ON sync_provisional_orders
BEGIN ${upsertLookup('NEW.state_json')} END;
CREATE TRIGGER sync_provisional_lookup_au AFTER UPDATE ON sync_provisional_orders
BEGIN ${upsertLookup('NEW.state_json')} END;
-- A dropped overlay row falls back to the confirmed state (none: an order created offline
-- that the server refused leaves its lookup row to the next confirmed copy, or none at all).
CREATE TRIGGER sync_provisional_lookup_ad AFTER DELETE ON sync_provisional_orders
BEGIN ${upsertLookup(`(SELECT s.state_json FROM sync_orders s WHERE s.order_id = OLD.order_id)`)}
  DELETE FROM order_lookup WHERE order_id = OLD.order_id
    AND NOT EXISTS (SELECT 1 FROM sync_orders s WHERE s.order_id = OLD.order_id);
END;
`;
