/**
 * The desk's order search (issue 6): one lookup row per order with the fields people search and
 * sort queues by, and an FTS5 trigram index over it, so "SF12", a buyer id or part of an item
 * title finds orders among 100,000+ without scanning `state_json`. Triggers on `orders` keep
 * both in step with every write, in the same transaction, so no code path can forget them.
 *
 * The lookup table has its own INTEGER PRIMARY KEY because FTS5 external content needs a stable
 * integer rowid, and `orders` (TEXT primary key) may renumber its rowids on VACUUM.
 * `ship_by_at` is set only while the order waits for shipment and `refund_due_at` only while a
 * refund waits for the seller (an answer, or confirming returned goods): each queue is then one
 * partial index.
 */
const mutableValues = (row: string) => `
  ${row}.status,
  coalesce(json_extract(${row}.state_json, '$.item.title'), ''),
  coalesce(json_extract(${row}.state_json, '$.shipment.trackingNo'), ''),
  CASE WHEN ${row}.status = 'funds_held' THEN json_extract(${row}.state_json, '$.shipByAt') END,
  (SELECT min(json_extract(r.value, '$.dueAt')) FROM json_each(${row}.state_json, '$.refunds') r
    WHERE json_extract(r.value, '$.status') IN ('requested', 'awaiting_seller_confirm'))`;
const lookupValues = (row: string) => `
  ${row}.order_id, ${row}.merchant_id, ${row}.buyer_id, ${row}.created_at, ${mutableValues(row)}`;

export const sql = `
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
  refund_due_at INTEGER
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
-- UPDATE OF fires whenever a column is in the SET list, changed or not; the WHEN clause keeps
-- the trigram index (the costliest write of a command) to the updates that change its text.
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

CREATE TRIGGER orders_lookup_ai AFTER INSERT ON orders BEGIN
  INSERT INTO order_lookup (order_id, merchant_id, buyer_id, created_at, status, title,
                            tracking_no, ship_by_at, refund_due_at)
    VALUES (${lookupValues('NEW')});
END;
-- A command changes only status and state_json: the first trigger rewrites only the columns
-- that can follow from them, so the lookup's identity indexes (order_id, merchant_id,
-- created_at) are not rewritten on every command. The second covers any other change.
CREATE TRIGGER orders_lookup_au AFTER UPDATE OF status, state_json ON orders BEGIN
  UPDATE order_lookup SET
    (status, title, tracking_no, ship_by_at, refund_due_at) = (SELECT ${mutableValues('NEW')})
  WHERE order_id = OLD.order_id;
END;
CREATE TRIGGER orders_lookup_au_identity AFTER UPDATE OF order_id, merchant_id, buyer_id, created_at
  ON orders BEGIN
  UPDATE order_lookup SET
    (order_id, merchant_id, buyer_id, created_at, status, title, tracking_no, ship_by_at,
     refund_due_at) = (SELECT ${lookupValues('NEW')})
  WHERE order_id = OLD.order_id;
END;

INSERT INTO order_lookup (order_id, merchant_id, buyer_id, created_at, status, title,
                          tracking_no, ship_by_at, refund_due_at)
  SELECT ${lookupValues('o')} FROM orders o;
`;
