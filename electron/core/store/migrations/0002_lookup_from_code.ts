/**
 * The order lookup and its trigram index are written by the desk's code
 * (electron/core/replica/orderLookup.ts) from the order it already holds, instead of triggers
 * that parsed the stored JSON again on every write and issued each FTS5 write from a trigger
 * (about four times the cost of the same write as its own statement).
 *
 * The orders list pages through `order_lookup`, which already follows what the desk shows,
 * so `sync_orders` keeps only its primary key.
 */
export const sql = `
DROP TRIGGER sync_orders_lookup_ai;
DROP TRIGGER sync_orders_lookup_au;
DROP TRIGGER sync_provisional_lookup_ai;
DROP TRIGGER sync_provisional_lookup_au;
DROP TRIGGER sync_provisional_lookup_ad;
DROP TRIGGER order_lookup_ai;
DROP TRIGGER order_lookup_au;
DROP INDEX sync_orders_by_merchant;
DROP INDEX sync_orders_by_merchant_status;
DROP INDEX sync_orders_by_status;
DROP INDEX sync_orders_by_created;
`;
