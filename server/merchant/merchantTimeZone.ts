import { DeskError } from '../../shared/errors.ts';
import { isTimeZone } from '../../shared/merchantTime.ts';
import type { Queryable } from '../db/database.ts';

/**
 * The merchant's time zone (IANA), held by the server so every desk of the shop groups days,
 * exports and statements on the same clock. Unknown zones are refused with
 * `invalid_time_zone` before anything is written.
 */
export async function readMerchantTimeZone(db: Queryable, merchantId: string): Promise<string> {
  const r = await db.query<{ time_zone: string }>(
    'SELECT time_zone FROM merchants WHERE merchant_id = $1',
    [merchantId],
  );
  const row = r.rows[0];
  if (!row) throw new DeskError('not_found', 'no such merchant');
  return row.time_zone;
}

export async function saveMerchantTimeZone(
  db: Queryable,
  merchantId: string,
  timeZone: string,
): Promise<string> {
  // Only names the runtime resolves, and only canonical-looking ones (no "+08:00" offsets,
  // which have no daylight-saving rules and would drift from the shop's real clock).
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone) || !isTimeZone(timeZone))
    throw new DeskError('invalid_time_zone', `${timeZone} is not an IANA time zone`);
  const r = await db.query('UPDATE merchants SET time_zone = $2 WHERE merchant_id = $1', [
    merchantId,
    timeZone,
  ]);
  if (r.rowCount === 0) throw new DeskError('not_found', 'no such merchant');
  return timeZone;
}
