/**
 * Orders as read models plus their event timeline and the command idempotency record.
 * `state_json` is the authoritative aggregate; the other columns are copies kept for indexes
 * (lists by merchant/buyer/status, the timer sweep, keyset paging by creation time).
 * `order_events` is append-only: the timeline is evidence in disputes.
 */
export const sql = `
CREATE TABLE orders (
  order_id      TEXT    PRIMARY KEY,
  merchant_id   TEXT    NOT NULL,
  buyer_id      TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  currency      TEXT    NOT NULL,
  amount_fen    INTEGER NOT NULL,
  held_fen      INTEGER NOT NULL,
  next_timer_at INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  state_json    TEXT    NOT NULL
) STRICT;
-- Only the indexes the desk's queries use: every index is rewritten by the commands that touch
-- its columns (no desk query filters by buyer or sorts by updated_at; search has order_lookup).
CREATE INDEX orders_by_merchant ON orders (merchant_id, created_at, order_id);
CREATE INDEX orders_by_status ON orders (status, created_at, order_id);
CREATE INDEX orders_by_created ON orders (created_at, order_id);
CREATE INDEX orders_by_next_timer ON orders (next_timer_at) WHERE next_timer_at IS NOT NULL;

CREATE TABLE order_events (
  order_id      TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  type          TEXT    NOT NULL,
  at            INTEGER NOT NULL,
  command_id    TEXT    NOT NULL,
  actor_role    TEXT    NOT NULL,
  actor_user_id TEXT    NOT NULL,
  event_json    TEXT    NOT NULL,
  PRIMARY KEY (order_id, version)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
  BEGIN SELECT RAISE(ABORT, 'append_only: order_events'); END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
  BEGIN SELECT RAISE(ABORT, 'append_only: order_events'); END;

-- One row per accepted command. The result is rebuilt from order_events (events with this
-- command_id, state folded up to order_version), so it is stored once, not twice.
CREATE TABLE commands (
  command_id    TEXT    PRIMARY KEY,
  payload_hash  TEXT    NOT NULL,
  order_id      TEXT    NOT NULL,
  order_version INTEGER NOT NULL,
  event_count   INTEGER NOT NULL,
  applied_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`;
