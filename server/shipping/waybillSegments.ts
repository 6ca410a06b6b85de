import { DeskError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { Recipient } from '../../shared/shipping/recipient.ts';
import type { Database, Queryable } from '../db/database.ts';
import { lockOrder } from '../escrow/orderRows.ts';
import { carrierAdapter } from './carrierAdapters.ts';
import { readMerchantAddress } from './merchantAddresses.ts';

/** What a platform operator loads: a block of a carrier's serials (面单号段). */
export interface WaybillSegmentInput {
  segmentId: string;
  carrier: string;
  firstSerial: number;
  lastSerial: number;
}

/**
 * Loads a segment. Refused when the carrier has no e-waybill adapter, when the range does not
 * fit the carrier's number format, or when it overlaps a segment already loaded for the same
 * carrier (numbers must never be issued twice). Loading the same segment again is a no-op.
 */
export async function loadWaybillSegment(
  db: Database,
  seg: WaybillSegmentInput,
  loadedBy: string,
  now: number,
): Promise<'loaded' | 'already_loaded'> {
  const adapter = carrierAdapter(seg.carrier);
  if (!adapter)
    throw new DeskError('waybill_carrier_unsupported', `no e-waybills for ${seg.carrier}`);
  if (
    !/^[A-Za-z0-9_.-]{1,80}$/.test(seg.segmentId) ||
    !Number.isSafeInteger(seg.firstSerial) ||
    !Number.isSafeInteger(seg.lastSerial) ||
    seg.firstSerial < 0 ||
    seg.firstSerial > seg.lastSerial ||
    seg.lastSerial > adapter.maxSerial
  )
    throw new DeskError(
      'invalid_input',
      `segment ${seg.segmentId}: serials ${seg.firstSerial}-${seg.lastSerial} do not fit ${seg.carrier} (0-${adapter.maxSerial})`,
    );
  return db.transaction(async (tx) => {
    // One loader at a time, so two overlapping segments cannot both pass the check below.
    await tx.query('LOCK TABLE waybill_segments IN SHARE ROW EXCLUSIVE MODE');
    const same = await tx.query<{ carrier: string; first_serial: number; last_serial: number }>(
      'SELECT carrier, first_serial, last_serial FROM waybill_segments WHERE segment_id = $1',
      [seg.segmentId],
    );
    const existing = same.rows[0];
    if (existing) {
      if (
        existing.carrier === seg.carrier &&
        Number(existing.first_serial) === seg.firstSerial &&
        Number(existing.last_serial) === seg.lastSerial
      )
        return 'already_loaded';
      throw new DeskError('waybill_segment_overlap', `segment id ${seg.segmentId} is taken`);
    }
    const overlap = await tx.query<{ segment_id: string }>(
      `SELECT segment_id FROM waybill_segments
        WHERE carrier = $1 AND first_serial <= $3 AND last_serial >= $2 LIMIT 1`,
      [seg.carrier, seg.firstSerial, seg.lastSerial],
    );
    if (overlap.rows[0])
      throw new DeskError(
        'waybill_segment_overlap',
        `${seg.carrier} ${seg.firstSerial}-${seg.lastSerial} overlaps segment ${overlap.rows[0].segment_id}`,
      );
    await tx.query(
      `INSERT INTO waybill_segments (segment_id, carrier, first_serial, last_serial, next_serial,
                                     loaded_by, loaded_at)
       VALUES ($1, $2, $3, $4, $3, $5, $6)`,
      [seg.segmentId, seg.carrier, seg.firstSerial, seg.lastSerial, loadedBy, now],
    );
    return 'loaded';
  });
}

export interface WaybillSegmentRow {
  segmentId: string;
  carrier: string;
  firstSerial: number;
  lastSerial: number;
  /** Numbers still unused. */
  remaining: number;
}

export async function listWaybillSegments(db: Queryable): Promise<WaybillSegmentRow[]> {
  const r = await db.query<{
    segment_id: string;
    carrier: string;
    first_serial: string;
    last_serial: string;
    next_serial: string;
  }>(
    `SELECT segment_id, carrier, first_serial, last_serial, next_serial
       FROM waybill_segments ORDER BY carrier, segment_id`,
  );
  return r.rows.map((row) => ({
    segmentId: row.segment_id,
    carrier: row.carrier,
    firstSerial: Number(row.first_serial),
    lastSerial: Number(row.last_serial),
    remaining: Number(row.last_serial) - Number(row.next_serial) + 1,
  }));
}

/** Everything a 100 × 180 mm label prints: no price, the recipient in full. */
export interface WaybillLabel {
  orderId: string;
  carrier: string;
  waybillNo: string;
  assignedAt: number;
  sender: Recipient;
  recipient: Recipient;
  item: { title: string; quantity: number };
}

/**
 * The next unused serial of the carrier, taken under the segment's row lock: the UPDATE
 * re-reads `next_serial` after any concurrent taker commits (READ COMMITTED re-check), so two
 * ships never get the same number. Null when every segment of the carrier is used up.
 */
async function takeSerial(
  tx: Queryable,
  carrier: string,
): Promise<{ segmentId: string; serial: number } | null> {
  for (;;) {
    const open = await tx.query<{ segment_id: string }>(
      `SELECT segment_id FROM waybill_segments
        WHERE carrier = $1 AND next_serial <= last_serial ORDER BY segment_id LIMIT 1`,
      [carrier],
    );
    const segmentId = open.rows[0]?.segment_id;
    if (segmentId === undefined) return null;
    const taken = await tx.query<{ serial: string }>(
      `UPDATE waybill_segments SET next_serial = next_serial + 1
        WHERE segment_id = $1 AND next_serial <= last_serial
        RETURNING next_serial - 1 AS serial`,
      [segmentId],
    );
    const serial = taken.rows[0]?.serial;
    // Used up by a concurrent taker between the two statements: try the next segment.
    if (serial !== undefined) return { segmentId, serial: Number(serial) };
  }
}

/**
 * Assigns e-waybill numbers to a seller's orders at ship time, in one transaction: every order
 * gets its number or none does (a batch prints as one job). An order that already has a number
 * gets the same one back (a reprint, or a retry after a lost answer), whatever `carrier` says.
 * Orders are locked in id order, so two overlapping batches wait instead of deadlocking.
 */
export async function assignWaybills(
  db: Database,
  actor: Actor,
  carrier: string,
  orderIds: readonly string[],
  now: number,
): Promise<WaybillLabel[]> {
  const merchantId = actor.merchantId;
  if ((actor.role !== 'seller_staff' && actor.role !== 'seller_admin') || !merchantId)
    throw new DeskError('forbidden', 'only a seller prints e-waybills');
  const adapter = carrierAdapter(carrier);
  if (!adapter) throw new DeskError('waybill_carrier_unsupported', `no e-waybills for ${carrier}`);
  const ids = [...new Set(orderIds)].sort();
  const sender = await readMerchantAddress(db, merchantId, 'sender');
  if (!sender)
    throw new DeskError('sender_address_missing', `merchant ${merchantId} has no sender address`);
  const labels = await db.transaction(async (tx) => {
    const out = new Map<string, WaybillLabel>();
    for (const orderId of ids) {
      const order = await lockOrder(tx, orderId);
      if (!order || order.merchantId !== merchantId)
        throw new DeskError('order_not_found', `no order ${orderId}`);
      const item = { title: order.item.title, quantity: order.item.quantity };
      const had = await tx.query<{ carrier: string; waybill_no: string; assigned_at: string }>(
        'SELECT carrier, waybill_no, assigned_at FROM order_waybills WHERE order_id = $1',
        [orderId],
      );
      const prior = had.rows[0];
      if (!order.recipient) throw new DeskError('recipient_missing', `order ${orderId}`);
      if (prior) {
        out.set(orderId, {
          orderId,
          carrier: prior.carrier,
          waybillNo: prior.waybill_no,
          assignedAt: Number(prior.assigned_at),
          sender,
          recipient: order.recipient,
          item,
        });
        continue;
      }
      if (order.status === 'shipped' || order.shipment)
        throw new DeskError(
          'waybill_order_shipped',
          `order ${orderId} shipped as ${order.shipment?.carrier} ${order.shipment?.trackingNo}`,
        );
      if (order.status !== 'funds_held')
        throw new DeskError('invalid_state', `order ${orderId} is ${order.status}`);
      const taken = await takeSerial(tx, carrier);
      if (!taken)
        throw new DeskError(
          'waybill_numbers_exhausted',
          `no ${carrier} waybill numbers left; the platform loads a new segment`,
        );
      const waybillNo = adapter.waybillNo(taken.serial);
      await tx.query(
        `INSERT INTO order_waybills (order_id, merchant_id, carrier, waybill_no, segment_id,
                                     assigned_by, assigned_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [orderId, merchantId, carrier, waybillNo, taken.segmentId, actor.userId, now],
      );
      out.set(orderId, {
        orderId,
        carrier,
        waybillNo,
        assignedAt: now,
        sender,
        recipient: order.recipient,
        item,
      });
    }
    return out;
  });
  // In the caller's order, duplicates folded.
  return [...new Set(orderIds)].map((id) => labels.get(id)!);
}
