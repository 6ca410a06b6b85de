/**
 * The order's amount in `order_lookup`, so the orders list can sort by it (issue 14, item 5)
 * without reading every order's state. An order's amount never changes: orderLookup.ts sets it
 * when it makes the row; rows of replicas made before this migration are filled here.
 */
export const sql = `
ALTER TABLE order_lookup ADD COLUMN amount_fen INTEGER NOT NULL DEFAULT 0;

UPDATE order_lookup SET amount_fen = coalesce(
  (SELECT json_extract(p.state_json, '$.amountFen') FROM sync_provisional_orders p
    WHERE p.order_id = order_lookup.order_id),
  (SELECT json_extract(s.state_json, '$.amountFen') FROM sync_orders s
    WHERE s.order_id = order_lookup.order_id),
  0);

CREATE INDEX order_lookup_by_amount ON order_lookup (merchant_id, amount_fen, order_id);
`;
