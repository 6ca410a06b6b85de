import type { Db } from '../store/openDatabase.ts';

/**
 * Feeds the order search index (migration 0003 `order_lookup`) from the sync replica as well as
 * from the local store. A desk signed in to a central server shows the server's confirmed
 * orders (`sync_orders`) with its own pending mutations on top (`sync_provisional_orders`), so
 * the index row of an order follows the provisional state while there is one and the
 * confirmed state otherwise. The sync tables are created by the sync client when it first
 * starts, so these triggers are installed when they appear, not by a numbered migration.
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

const upsert = (state: string) => `
  INSERT INTO order_lookup (order_id, merchant_id, buyer_id, status, created_at, title,
                            tracking_no, ship_by_at, refund_due_at)
    SELECT ${fromState(state)} WHERE true
  ON CONFLICT (order_id) DO UPDATE SET
    status = excluded.status, title = excluded.title, tracking_no = excluded.tracking_no,
    ship_by_at = excluded.ship_by_at, refund_due_at = excluded.refund_due_at;`;

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS sync_orders_lookup_ai AFTER INSERT ON sync_orders
  WHEN NOT EXISTS (SELECT 1 FROM sync_provisional_orders p WHERE p.order_id = NEW.order_id)
BEGIN ${upsert('NEW.state_json')} END;
CREATE TRIGGER IF NOT EXISTS sync_orders_lookup_au AFTER UPDATE ON sync_orders
  WHEN NOT EXISTS (SELECT 1 FROM sync_provisional_orders p WHERE p.order_id = NEW.order_id)
BEGIN ${upsert('NEW.state_json')} END;
CREATE TRIGGER IF NOT EXISTS sync_provisional_lookup_ai AFTER INSERT ON sync_provisional_orders
BEGIN ${upsert('NEW.state_json')} END;
CREATE TRIGGER IF NOT EXISTS sync_provisional_lookup_au AFTER UPDATE ON sync_provisional_orders
BEGIN ${upsert('NEW.state_json')} END;
CREATE TRIGGER IF NOT EXISTS sync_provisional_lookup_ad AFTER DELETE ON sync_provisional_orders
BEGIN ${upsert(`(SELECT s.state_json FROM sync_orders s WHERE s.order_id = OLD.order_id)`)} END;
`;

const BACKFILL = `
${upsert('s.state_json').replace('WHERE true', 'FROM sync_orders s WHERE true')}
${upsert('p.state_json').replace('WHERE true', 'FROM sync_provisional_orders p WHERE true')}
`;

/** True once the replica tables exist and feed the index (installs the triggers the first time). */
export function createReplicaSearchIndex(db: Db): () => boolean {
  let ready = false;
  const tables = db.prepare<[], { n: number }>(
    `SELECT count(*) AS n FROM sqlite_master
      WHERE type = 'table' AND name IN ('sync_orders', 'sync_provisional_orders')`,
  );
  return () => {
    if (ready) return true;
    if (tables.get()!.n < 2) return false;
    db.transaction(() => {
      const fresh =
        db
          .prepare<[], { n: number }>(
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'sync_orders_lookup_ai'",
          )
          .get()!.n === 0;
      db.exec(TRIGGERS);
      if (fresh) db.exec(BACKFILL);
    }).immediate();
    ready = true;
    return true;
  };
}
