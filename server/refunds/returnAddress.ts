import { z } from 'zod';
import type { Database, Queryable } from '../db/database.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { StatementMigration } from '../db/migrate.ts';
import { text } from '../http/requestSchemas.ts';

/**
 * Where buyers send goods back for return-and-refund, per merchant (issue 14, item 4). Its own
 * module and table, named for refunds, so the shipping work's merchant sender addresses can
 * grow separately; the refunds desk reads it when a seller agrees to a return.
 */
const MIGRATIONS: readonly StatementMigration[] = [
  {
    // 500 is the treasury's (server/treasury/treasuryMigrations.ts).
    id: 600,
    name: 'refund_return_addresses',
    statements: [
      `CREATE TABLE refund_return_addresses (
         merchant_id text PRIMARY KEY REFERENCES merchants (merchant_id),
         name text NOT NULL,
         mobile text NOT NULL,
         address text NOT NULL,
         updated_at bigint NOT NULL,
         updated_by text NOT NULL
       )`,
    ],
  },
];

export async function prepareReturnAddressSchema(db: Database): Promise<void> {
  await applyMigrations(db, MIGRATIONS);
}

export const returnAddressBody = z.strictObject({
  name: text(50).refine((s) => s.trim() !== '', 'must not be blank'),
  /** A mainland mobile number or a landline with area code (0571-87654321). */
  mobile: z
    .string()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, 'must be a mobile or area-code phone number'),
  address: text(200).refine((s) => s.trim() !== '', 'must not be blank'),
});
export type ReturnAddress = z.infer<typeof returnAddressBody>;

export async function readReturnAddress(
  db: Queryable,
  merchantId: string,
): Promise<(ReturnAddress & { updatedAt: number }) | null> {
  const r = await db.query<{ name: string; mobile: string; address: string; updated_at: number }>(
    'SELECT name, mobile, address, updated_at FROM refund_return_addresses WHERE merchant_id = $1',
    [merchantId],
  );
  const row = r.rows[0];
  return row
    ? { name: row.name, mobile: row.mobile, address: row.address, updatedAt: row.updated_at }
    : null;
}

export async function writeReturnAddress(
  db: Queryable,
  merchantId: string,
  address: ReturnAddress,
  by: string,
  now: number,
): Promise<void> {
  await db.query(
    `INSERT INTO refund_return_addresses (merchant_id, name, mobile, address, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (merchant_id) DO UPDATE SET name = excluded.name, mobile = excluded.mobile,
       address = excluded.address, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [merchantId, address.name.trim(), address.mobile, address.address.trim(), now, by],
  );
}
