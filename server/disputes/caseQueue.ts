import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { ClaimStatus } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';
import type { CaseDeadline, DeskStatus, Priority } from './caseDeadlines.ts';
import {
  caseTiming,
  claimStatusesOf,
  DESK_STATUSES,
  deskStatusOf,
  PRIORITY_RANK,
} from './caseDeadlines.ts';

/** One line of the agents' queue. */
export interface CaseSummary {
  claimId: string;
  orderId: string;
  merchantId: string;
  merchantName: string | null;
  buyerId: string;
  claimStatus: ClaimStatus;
  deskStatus: DeskStatus;
  amountFen: number;
  paidFen: number;
  reason: string;
  filedAt: number;
  decidedAt: number | null;
  assignee: string | null;
  priority: Priority;
  deadlines: CaseDeadline[];
}

export interface QueueFilter {
  status?: DeskStatus;
  /** 'me' and 'unassigned' are resolved against the caller; anything else is an agent id. */
  assignee?: string;
  priority?: Priority;
  merchantId?: string;
  /** Free text: matches claim, order, merchant and buyer ids, the merchant's name and the reason. */
  q?: string;
  /** 'breached': only open cases past the agents' service level (AGENT_SLA_MS). */
  sla?: 'breached';
  /** The column to sort by; without one, most pressing first. */
  sort?: QueueSort;
  dir?: 'asc' | 'desc';
  limit: number;
}

export const QUEUE_SORTS = ['priority', 'amount', 'filed', 'deadline', 'status'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

const nearest = (c: CaseSummary) =>
  c.deadlines.reduce((min, d) => Math.min(min, d.dueAt), Number.MAX_SAFE_INTEGER);

/** Each sort key, ascending; the pressing order breaks ties so a sort is stable and total. */
const ORDER: Record<QueueSort, (a: CaseSummary, b: CaseSummary) => number> = {
  priority: (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority],
  amount: (a, b) => a.amountFen - b.amountFen,
  filed: (a, b) => a.filedAt - b.filedAt,
  deadline: (a, b) => nearest(a) - nearest(b),
  status: (a, b) => DESK_STATUSES.indexOf(a.deskStatus) - DESK_STATUSES.indexOf(b.deskStatus),
};

const pressing = (a: CaseSummary, b: CaseSummary) =>
  ORDER.priority(a, b) || ORDER.deadline(a, b) || ORDER.filed(a, b);

export const slaBreached = (c: CaseSummary): boolean =>
  c.deadlines.some((d) => d.kind === 'agent_sla' && d.leftMs <= 0);

interface CaseRow {
  claim_id: string;
  order_id: string;
  merchant_id: string;
  merchant_name: string | null;
  buyer_id: string;
  status: ClaimStatus;
  amount_fen: number;
  paid_fen: number;
  reason: string;
  filed_at: number;
  due_at: number | null;
  decided_at: number | null;
  agent_id: string | null;
}

const SELECT_CASES = `SELECT c.claim_id, c.order_id, c.merchant_id, m.name AS merchant_name,
       c.buyer_id, c.status, c.amount_fen, c.paid_fen, c.reason, c.filed_at, c.due_at,
       c.decided_at, a.agent_id
  FROM dispute_cases c
  LEFT JOIN merchants m ON m.merchant_id = c.merchant_id
  LEFT JOIN case_assignments a ON a.claim_id = c.claim_id`;

export function summarize(row: CaseRow, now: number, policy: EscrowPolicy): CaseSummary {
  const amountFen = Number(row.amount_fen);
  const filedAt = Number(row.filed_at);
  const dueAt = row.due_at === null ? null : Number(row.due_at);
  const timing = caseTiming({ status: row.status, filedAt, dueAt, amountFen }, now, policy);
  return {
    claimId: row.claim_id,
    orderId: row.order_id,
    merchantId: row.merchant_id,
    merchantName: row.merchant_name,
    buyerId: row.buyer_id,
    claimStatus: row.status,
    deskStatus: deskStatusOf(row.status),
    amountFen,
    paidFen: Number(row.paid_fen),
    reason: row.reason,
    filedAt,
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    assignee: row.agent_id,
    priority: timing.priority,
    deadlines: timing.deadlines,
  };
}

/**
 * The queue, most pressing first (priority, then the nearest deadline) unless a column is
 * chosen. Filtering by status, assignee, merchant and text happens in SQL; priority and the
 * SLA depend on the clock, so they are filtered after.
 */
export async function listCases(
  db: Queryable,
  filter: QueueFilter,
  callerId: string,
  now: number,
  policy: EscrowPolicy,
): Promise<CaseSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.status) where.push(`c.status = ANY(${p(claimStatusesOf(filter.status))}::text[])`);
  if (filter.assignee === 'me') where.push(`a.agent_id = ${p(callerId)}`);
  else if (filter.assignee === 'unassigned') where.push('a.agent_id IS NULL');
  else if (filter.assignee) where.push(`a.agent_id = ${p(filter.assignee)}`);
  if (filter.merchantId) where.push(`c.merchant_id = ${p(filter.merchantId)}`);
  if (filter.q) {
    // Escape LIKE's wildcards so a search for "50%" means the text "50%".
    const needle = `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const n = p(needle);
    where.push(
      `(c.claim_id ILIKE ${n} OR c.order_id ILIKE ${n} OR c.merchant_id ILIKE ${n}
        OR c.buyer_id ILIKE ${n} OR c.reason ILIKE ${n} OR coalesce(m.name, '') ILIKE ${n})`,
    );
  }
  const r = await db.query<CaseRow>(
    `${SELECT_CASES} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY c.filed_at LIMIT 1000`,
    params,
  );
  const sign = filter.dir === 'desc' ? -1 : 1;
  const by = filter.sort ? ORDER[filter.sort] : null;
  return r.rows
    .map((row) => summarize(row, now, policy))
    .filter((c) => filter.priority === undefined || c.priority === filter.priority)
    .filter((c) => filter.sla === undefined || slaBreached(c))
    .sort((a, b) => (by ? sign * by(a, b) : 0) || pressing(a, b))
    .slice(0, filter.limit);
}

export async function readCaseSummary(
  db: Queryable,
  claimId: string,
  now: number,
  policy: EscrowPolicy,
): Promise<CaseSummary | null> {
  const r = await db.query<CaseRow>(`${SELECT_CASES} WHERE c.claim_id = $1`, [claimId]);
  const row = r.rows[0];
  return row ? summarize(row, now, policy) : null;
}
