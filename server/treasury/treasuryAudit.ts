import type { Queryable } from '../db/database.ts';

/** What `treasury_audit` records: every decision that touches payouts or reconciliation. */
export type TreasuryAction =
  | 'payout_account_entered'
  | 'withdrawal_requested'
  | 'payout_batch_created'
  | 'payout_result_applied'
  | 'payout_result_ignored'
  | 'statement_imported'
  | 'exception_resolved'
  | 'adjustment_proposed'
  | 'adjustment_approved'
  | 'adjustment_refused';

export interface TreasuryAuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: TreasuryAction;
  subject: string;
  detail: Record<string, unknown>;
}

/** Appends one audit row in the caller's transaction (a trigger refuses UPDATE and DELETE). */
export async function auditTreasury(
  tx: Queryable,
  at: number,
  actor: string,
  action: TreasuryAction,
  subject: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await tx.query(
    `INSERT INTO treasury_audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)`,
    [at, actor, action, subject, JSON.stringify(detail)],
  );
}

export async function readTreasuryAudit(
  db: Queryable,
  subjectPrefix: string,
): Promise<TreasuryAuditEntry[]> {
  const r = await db.query<TreasuryAuditEntry>(
    `SELECT seq, at, actor, action, subject, detail FROM treasury_audit
      WHERE subject LIKE $1 ORDER BY seq`,
    [`${subjectPrefix.replace(/[%_\\]/g, '\\$&')}%`],
  );
  return r.rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}
