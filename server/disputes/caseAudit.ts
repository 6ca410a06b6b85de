import type { Actor } from '../../shared/escrow/types.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';

/**
 * The case audit trail: who did what to a case, when, with the claim before and after. Rows are
 * appended only through `case_audit_append` (see disputeMigrations.ts), which chains each
 * row's hash to the previous one under a row lock on the head.
 */
export interface AuditEntry {
  seq: number;
  claimId: string;
  orderId: string;
  actorId: string;
  actorRole: string | null;
  action: string;
  before: unknown;
  after: unknown;
  detail: unknown;
  at: number;
  commandId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditProblem {
  seq: number;
  code: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'head_mismatch';
  detail: string;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  headSeq: number;
  headHash: string;
  problems: AuditProblem[];
}

export const AUDIT_GENESIS = '0'.repeat(64);

/** Appends a desk action (assignment, note, export) that is not an escrow command. */
export async function appendAudit(
  tx: Queryable,
  entry: {
    claimId: string;
    orderId: string;
    actor: Actor;
    action: string;
    before: unknown;
    after: unknown;
    detail?: unknown;
    at: number;
  },
): Promise<number> {
  const r = await tx.query<{ seq: number }>(
    `SELECT case_audit_append($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, NULL) AS seq`,
    [
      entry.claimId,
      entry.orderId,
      entry.actor.userId,
      entry.actor.role,
      entry.action,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
      entry.at,
    ],
  );
  return Number(r.rows[0]?.seq);
}

interface AuditRow {
  seq: number;
  claim_id: string;
  order_id: string;
  actor_id: string;
  actor_role: string | null;
  action: string;
  before: unknown;
  after: unknown;
  detail: unknown;
  at: number;
  command_id: string | null;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq),
  claimId: r.claim_id,
  orderId: r.order_id,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  action: r.action,
  before: r.before,
  after: r.after,
  detail: r.detail,
  at: Number(r.at),
  commandId: r.command_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export async function readCaseAudit(db: Queryable, claimId: string): Promise<AuditEntry[]> {
  const r = await db.query<AuditRow>('SELECT * FROM case_audit WHERE claim_id = $1 ORDER BY seq', [
    claimId,
  ]);
  return r.rows.map(toEntry);
}

/**
 * Recomputes the whole chain in Node from the rows' canonical jsonb text (not trusting the
 * stored function or hashes): each row's hash must match its content and the previous row's
 * hash, sequence numbers must have no gaps, and the head must name the last row. A row edited
 * or deleted behind the append-only triggers' back shows up here.
 */
export async function verifyAuditChain(db: Queryable): Promise<AuditVerification> {
  const r = await db.query<{ seq: number; prev_hash: string; hash: string; material: string }>(
    `SELECT seq, prev_hash, hash,
            jsonb_build_array(prev_hash, seq, claim_id, order_id, actor_id, actor_role, action,
                              before, after, detail, at, command_id)::text AS material
       FROM case_audit ORDER BY seq`,
  );
  const head = await db.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM case_audit_head',
  );
  const problems: AuditProblem[] = [];
  let prev = AUDIT_GENESIS;
  let expectedSeq = 1;
  for (const row of r.rows) {
    const seq = Number(row.seq);
    if (seq !== expectedSeq)
      problems.push({ seq, code: 'seq_gap', detail: `expected ${expectedSeq}, found ${seq}` });
    if (row.prev_hash !== prev)
      problems.push({ seq, code: 'prev_hash_mismatch', detail: 'does not follow the row before' });
    const recomputed = sha256Hex(row.material);
    if (recomputed !== row.hash)
      problems.push({ seq, code: 'hash_mismatch', detail: 'content differs from its hash' });
    prev = row.hash;
    expectedSeq = seq + 1;
  }
  const h = head.rows[0];
  const headSeq = Number(h?.seq ?? 0);
  const headHash = h?.hash ?? AUDIT_GENESIS;
  if (headSeq !== expectedSeq - 1 || headHash !== prev)
    problems.push({
      seq: headSeq,
      code: 'head_mismatch',
      detail: `head is ${headSeq}, the chain ends at ${expectedSeq - 1}`,
    });
  return { ok: problems.length === 0, rows: r.rows.length, headSeq, headHash, problems };
}
