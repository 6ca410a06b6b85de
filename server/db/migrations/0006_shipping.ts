import type { Migration } from '../migrate.ts';

/**
 * Issue 14 (shipping from the desk):
 * - `merchant_addresses`: a merchant's sender address (printed on every e-waybill) and return
 *   address (for return-and-refund), one of each, edited by a seller admin.
 * - `waybill_segments`: blocks of e-waybill serial numbers per carrier that a platform operator
 *   loads (as carriers allocate 面单号段); `next_serial` is the next unused one. Numbers are
 *   taken under the segment's row lock, so concurrent ships never take the same one.
 * - `order_waybills`: the number assigned to an order, at most one per order and each number
 *   once (both unique), so a reprint or a retried assignment gets the same number back.
 */
export const migration0006: Migration = {
  id: 6,
  name: 'shipping',
  sql: `
CREATE TABLE merchant_addresses (
  merchant_id text NOT NULL REFERENCES merchants(merchant_id),
  kind text NOT NULL CHECK (kind IN ('sender', 'return')),
  address jsonb NOT NULL,
  updated_by text NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (merchant_id, kind)
)
--;;
CREATE TABLE waybill_segments (
  segment_id text PRIMARY KEY,
  carrier text NOT NULL,
  first_serial bigint NOT NULL CHECK (first_serial >= 0),
  last_serial bigint NOT NULL,
  next_serial bigint NOT NULL,
  loaded_by text NOT NULL,
  loaded_at bigint NOT NULL,
  CHECK (first_serial <= last_serial),
  CHECK (next_serial BETWEEN first_serial AND last_serial + 1)
)
--;;
CREATE INDEX waybill_segments_open ON waybill_segments (carrier, segment_id)
  WHERE next_serial <= last_serial
--;;
CREATE TABLE order_waybills (
  order_id text PRIMARY KEY REFERENCES orders(order_id),
  merchant_id text NOT NULL,
  carrier text NOT NULL,
  waybill_no text NOT NULL UNIQUE,
  segment_id text NOT NULL REFERENCES waybill_segments(segment_id),
  assigned_by text NOT NULL,
  assigned_at bigint NOT NULL
)
`,
};
