import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Queryable } from '../db/database.ts';

/** Actions recorded in `security_audit` (migration 0004). */
export type SecurityAction =
  'maker_checker_limits' | 'account_locked' | 'account_unlocked' | 'sessions_revoked';

export async function appendSecurityAudit(
  db: Queryable,
  entry: { at: number; actor: string; action: SecurityAction; subject?: string; detail?: object },
): Promise<void> {
  await db.query(
    `INSERT INTO security_audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)`,
    [
      entry.at,
      entry.actor,
      entry.action,
      entry.subject ?? null,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

/** The maker-checker limits as recorded: thresholds in fen and the buyer window in ms. */
export function makerCheckerLimits(policy: EscrowPolicy): Record<string, number> {
  return {
    secondApprovalThresholdFen: policy.secondApprovalThresholdFen,
    buyerWindowThresholdFen: policy.buyerWindowThresholdFen,
    buyerWindowMs: policy.buyerWindowMs,
  };
}

/**
 * Records the maker-checker limits this server decides with, when they differ from the last
 * recorded ones: a changed threshold is visible in the audit with its time and both values.
 * Returns whether a row was written.
 */
export async function auditMakerCheckerLimits(
  db: Queryable,
  policy: EscrowPolicy,
  now: number,
): Promise<boolean> {
  const limits = makerCheckerLimits(policy);
  const last = await db.query<{ detail: { limits?: Record<string, number> } }>(
    `SELECT detail FROM security_audit WHERE action = 'maker_checker_limits' ORDER BY seq DESC LIMIT 1`,
  );
  const previous = last.rows[0]?.detail.limits ?? null;
  if (previous && JSON.stringify(previous) === JSON.stringify(limits)) return false;
  await appendSecurityAudit(db, {
    at: now,
    actor: 'system:startup',
    action: 'maker_checker_limits',
    detail: { limits, previous },
  });
  return true;
}
