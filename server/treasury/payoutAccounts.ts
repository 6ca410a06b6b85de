import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import type { Queryable } from '../db/database.ts';
import { auditTreasury } from './treasuryAudit.ts';
import type { TreasuryPolicy } from './treasuryPolicy.ts';

export interface PayoutAccountInput {
  accountName: string;
  bankName: string;
  accountNo: string;
}

export interface PayoutAccountView {
  version: number;
  accountName: string;
  bankName: string;
  /** In full only to the admin who entered it; `•••• 1234` to everyone else. */
  accountNo: string;
  masked: boolean;
  enteredBy: string;
  enteredAt: number;
  effectiveAt: number;
  /** `active` is the one payouts go to; `cooling_off` waits for effectiveAt; older ones are `superseded`. */
  state: 'active' | 'cooling_off' | 'superseded';
}

interface AccountRow {
  version: number;
  account_name: string;
  bank_name: string;
  account_no: string;
  entered_by: string;
  entered_at: number;
  effective_at: number;
}

/** Card and account numbers: 8–30 digits, spaces and dashes as typed are dropped. */
export function normaliseAccountNo(text: string): string {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{8,30}$/.test(digits))
    throw new DeskError('invalid_input', 'the account number must be 8–30 digits');
  return digits;
}

export function maskAccountNo(accountNo: string): string {
  return `•••• ${accountNo.slice(-4)}`;
}

/**
 * A seller_admin enters (or changes) the merchant's payout account. It takes effect only after
 * the cooling-off period, so a stolen admin session cannot redirect the next payout at once;
 * the entry is audited with the number masked.
 */
export async function enterPayoutAccount(
  tx: Queryable,
  actor: Actor,
  input: PayoutAccountInput,
  now: number,
  policy: TreasuryPolicy,
): Promise<PayoutAccountView> {
  if (actor.role !== 'seller_admin' || !actor.merchantId)
    throw new DeskError('forbidden', 'only a seller admin may set the payout account');
  const accountNo = normaliseAccountNo(input.accountNo);
  const accountName = input.accountName.trim();
  const bankName = input.bankName.trim();
  if (!accountName || !bankName)
    throw new DeskError('invalid_input', 'the account name and bank are required');
  // One version at a time per merchant.
  await tx.query('SELECT 1 FROM merchants WHERE merchant_id = $1 FOR UPDATE', [actor.merchantId]);
  const last = await tx.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM payout_accounts WHERE merchant_id = $1',
    [actor.merchantId],
  );
  const version = (last.rows[0]?.v ?? 0) + 1;
  const effectiveAt = now + policy.coolingOffMs;
  await tx.query(
    `INSERT INTO payout_accounts (merchant_id, version, account_name, bank_name, account_no,
       entered_by, entered_at, effective_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [actor.merchantId, version, accountName, bankName, accountNo, actor.userId, now, effectiveAt],
  );
  await auditTreasury(
    tx,
    now,
    actor.userId,
    'payout_account_entered',
    `merchant:${actor.merchantId}`,
    {
      version,
      bankName,
      accountNo: maskAccountNo(accountNo),
      effectiveAt,
    },
  );
  return {
    version,
    accountName,
    bankName,
    accountNo,
    masked: false,
    enteredBy: actor.userId,
    enteredAt: now,
    effectiveAt,
    state: 'cooling_off',
  };
}

/** The account payouts go to now: the newest version past its cooling-off, or null. */
export async function activePayoutAccount(
  db: Queryable,
  merchantId: string,
  now: number,
): Promise<(AccountRow & { merchant_id: string }) | null> {
  const r = await db.query<AccountRow & { merchant_id: string }>(
    `SELECT * FROM payout_accounts WHERE merchant_id = $1 AND effective_at <= $2
      ORDER BY version DESC LIMIT 1`,
    [merchantId, now],
  );
  return r.rows[0] ?? null;
}

/** Every version for the merchant's desk, masked except to whoever entered each. */
export async function listPayoutAccounts(
  db: Queryable,
  actor: Actor,
  merchantId: string,
  now: number,
): Promise<PayoutAccountView[]> {
  const r = await db.query<AccountRow>(
    'SELECT * FROM payout_accounts WHERE merchant_id = $1 ORDER BY version DESC',
    [merchantId],
  );
  const active = r.rows.find((row) => row.effective_at <= now)?.version ?? null;
  return r.rows.map((row) => {
    const mine = row.entered_by === actor.userId;
    return {
      version: row.version,
      accountName: row.account_name,
      bankName: row.bank_name,
      accountNo: mine ? row.account_no : maskAccountNo(row.account_no),
      masked: !mine,
      enteredBy: row.entered_by,
      enteredAt: row.entered_at,
      effectiveAt: row.effective_at,
      state:
        row.version === active ? 'active' : row.effective_at > now ? 'cooling_off' : 'superseded',
    };
  });
}
