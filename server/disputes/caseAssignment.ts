import type { Actor } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';
import { appendAudit } from './caseAudit.ts';

/**
 * Who works a case. "Assign to me" takes a case (also from another agent: desks hand work
 * over); "unassign" gives it back to the queue. Both are audited with before and after, and
 * an action that changes nothing writes nothing.
 */
export async function setAssignee(
  tx: Queryable,
  c: { claimId: string; orderId: string },
  actor: Actor,
  agentId: string | null,
  now: number,
): Promise<{ assignee: string | null; changed: boolean }> {
  const cur = await tx.query<{ agent_id: string }>(
    'SELECT agent_id FROM case_assignments WHERE claim_id = $1 FOR UPDATE',
    [c.claimId],
  );
  const before = cur.rows[0]?.agent_id ?? null;
  if (before === agentId) return { assignee: before, changed: false };
  if (agentId === null) {
    await tx.query('DELETE FROM case_assignments WHERE claim_id = $1', [c.claimId]);
  } else {
    await tx.query(
      `INSERT INTO case_assignments (claim_id, agent_id, assigned_at) VALUES ($1, $2, $3)
       ON CONFLICT (claim_id) DO UPDATE SET agent_id = EXCLUDED.agent_id,
         assigned_at = EXCLUDED.assigned_at`,
      [c.claimId, agentId, now],
    );
  }
  await appendAudit(tx, {
    claimId: c.claimId,
    orderId: c.orderId,
    actor,
    action: agentId === null ? 'unassigned' : 'assigned',
    before: { assignee: before },
    after: { assignee: agentId },
    at: now,
  });
  return { assignee: agentId, changed: true };
}
