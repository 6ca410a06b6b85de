import { parseRecipient } from '../../shared/shipping/recipient.ts';
import type { Recipient } from '../../shared/shipping/recipient.ts';
import type { Queryable } from '../db/database.ts';

/** A merchant keeps one sender address (on every e-waybill) and one return address. */
export type MerchantAddressKind = 'sender' | 'return';
export const MERCHANT_ADDRESS_KINDS: readonly MerchantAddressKind[] = ['sender', 'return'];

export async function readMerchantAddress(
  db: Queryable,
  merchantId: string,
  kind: MerchantAddressKind,
): Promise<Recipient | null> {
  const r = await db.query<{ address: Recipient }>(
    'SELECT address FROM merchant_addresses WHERE merchant_id = $1 AND kind = $2',
    [merchantId, kind],
  );
  return r.rows[0]?.address ?? null;
}

export async function readMerchantAddresses(
  db: Queryable,
  merchantId: string,
): Promise<{ sender: Recipient | null; return: Recipient | null }> {
  return {
    sender: await readMerchantAddress(db, merchantId, 'sender'),
    return: await readMerchantAddress(db, merchantId, 'return'),
  };
}

/** Validated like a buyer's recipient (same codes); the last writer wins. */
export async function saveMerchantAddress(
  db: Queryable,
  merchantId: string,
  kind: MerchantAddressKind,
  address: unknown,
  updatedBy: string,
  now: number,
): Promise<Recipient> {
  const parsed = parseRecipient(address, kind);
  await db.query(
    `INSERT INTO merchant_addresses (merchant_id, kind, address, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (merchant_id, kind) DO UPDATE
       SET address = excluded.address, updated_by = excluded.updated_by,
           updated_at = excluded.updated_at`,
    [merchantId, kind, JSON.stringify(parsed), updatedBy, now],
  );
  return parsed;
}
