import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { ClaimStatus } from '../../shared/escrow/types.ts';
import { DAY_MS, HOUR_MS } from '../../shared/time.ts';

/**
 * How the desk sorts and labels cases. These are service levels for people, not escrow rules:
 * nothing here moves money or changes a claim (the rules' timers do that on the server).
 */

/** The desk's own statuses: "decided" folds approved and rejected together. */
export const DESK_STATUSES = [
  'new',
  'awaiting_seller_evidence',
  'under_review',
  'info_requested',
  'awaiting_second_approval',
  'decided',
] as const;
export type DeskStatus = (typeof DESK_STATUSES)[number];

export function deskStatusOf(status: ClaimStatus): DeskStatus {
  switch (status) {
    case 'submitted':
      return 'new';
    case 'approved':
    case 'rejected':
      return 'decided';
    default:
      return status;
  }
}

export function claimStatusesOf(desk: DeskStatus): ClaimStatus[] {
  if (desk === 'new') return ['submitted'];
  if (desk === 'decided') return ['approved', 'rejected'];
  return [desk];
}

/** An agent should decide a claim within this long of its filing. */
export const AGENT_SLA_MS = 5 * DAY_MS;

export type Priority = 'urgent' | 'high' | 'normal' | 'low';

export interface CaseDeadline {
  kind: 'seller_evidence' | 'buyer_info' | 'agent_sla';
  dueAt: number;
  /** Negative once overdue. */
  leftMs: number;
}

export interface CaseTiming {
  deadlines: CaseDeadline[];
  priority: Priority;
}

export function caseTiming(
  c: { status: ClaimStatus; filedAt: number; dueAt: number | null; amountFen: number },
  now: number,
  policy: EscrowPolicy,
): CaseTiming {
  const deadlines: CaseDeadline[] = [];
  const desk = deskStatusOf(c.status);
  if (c.status === 'awaiting_seller_evidence' && c.dueAt !== null)
    deadlines.push({ kind: 'seller_evidence', dueAt: c.dueAt, leftMs: c.dueAt - now });
  if (c.status === 'info_requested' && c.dueAt !== null)
    deadlines.push({ kind: 'buyer_info', dueAt: c.dueAt, leftMs: c.dueAt - now });
  if (desk !== 'decided') {
    const due = c.filedAt + AGENT_SLA_MS;
    deadlines.push({ kind: 'agent_sla', dueAt: due, leftMs: due - now });
  }
  if (desk === 'decided') return { deadlines, priority: 'low' };
  const slaLeft = c.filedAt + AGENT_SLA_MS - now;
  // A case the agent can act on that is late, or nearly so, goes first; large amounts next.
  const actionable = c.status !== 'awaiting_seller_evidence' && c.status !== 'info_requested';
  if (slaLeft <= 0 || (actionable && slaLeft <= 24 * HOUR_MS))
    return { deadlines, priority: 'urgent' };
  if (c.amountFen > policy.secondApprovalThresholdFen || c.status === 'awaiting_second_approval')
    return { deadlines, priority: 'high' };
  return { deadlines, priority: 'normal' };
}

export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
