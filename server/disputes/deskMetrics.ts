import { account } from '../../shared/ledger/accounts.ts';
import { DAY_MS } from '../../shared/time.ts';
import type { Queryable } from '../db/database.ts';

/** What senior agents watch: backlog age, who decides what, and money out and back per week. */
export interface DeskMetrics {
  generatedAt: number;
  openByAge: { bucket: '<1d' | '1-3d' | '3-7d' | '>7d'; count: number }[];
  decisionsPerAgent: {
    agentId: string;
    approved: number;
    rejected: number;
    infoRequested: number;
  }[];
  approvalRate: { approved: number; rejected: number; rate: number | null };
  /** Weeks start on Monday 00:00 UTC; `weekStart` is epoch ms. */
  weekly: { weekStart: number; paidFen: number; recoveredFen: number }[];
}

const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; Monday-based weeks are offset by 4 days. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;
export const weekStartOf = (t: number): number =>
  Math.floor((t - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS;

export async function readDeskMetrics(db: Queryable, now: number, weeks = 8): Promise<DeskMetrics> {
  const open = await db.query<{ filed_at: number }>(
    `SELECT filed_at FROM dispute_cases WHERE status NOT IN ('approved', 'rejected')`,
  );
  const buckets = { '<1d': 0, '1-3d': 0, '3-7d': 0, '>7d': 0 };
  for (const row of open.rows) {
    const age = now - Number(row.filed_at);
    if (age < DAY_MS) buckets['<1d']++;
    else if (age < 3 * DAY_MS) buckets['1-3d']++;
    else if (age < 7 * DAY_MS) buckets['3-7d']++;
    else buckets['>7d']++;
  }

  // Decisions come from the audit trail: the status a command moved the claim to, and who
  // issued it. A maker-checker approval counts for the checker, whose step released the money.
  const d = await db.query<{ actor_id: string; status: string; n: number }>(
    `SELECT actor_id, after->>'status' AS status, count(*)::int AS n
       FROM case_audit
      WHERE action IN ('decide_claim', 'second_approval')
        AND after->>'status' IN ('approved', 'rejected', 'info_requested')
        AND (before->>'status') IS DISTINCT FROM (after->>'status')
      GROUP BY actor_id, after->>'status'`,
  );
  const perAgent = new Map<string, DeskMetrics['decisionsPerAgent'][number]>();
  for (const row of d.rows) {
    const a = perAgent.get(row.actor_id) ?? {
      agentId: row.actor_id,
      approved: 0,
      rejected: 0,
      infoRequested: 0,
    };
    if (row.status === 'approved') a.approved += Number(row.n);
    else if (row.status === 'rejected') a.rejected += Number(row.n);
    else a.infoRequested += Number(row.n);
    perAgent.set(row.actor_id, a);
  }

  const decided = await db.query<{ approved: number; rejected: number }>(
    `SELECT count(*) FILTER (WHERE status = 'approved')::int AS approved,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected
       FROM dispute_cases`,
  );
  const approved = Number(decided.rows[0]?.approved ?? 0);
  const rejected = Number(decided.rows[0]?.rejected ?? 0);

  const firstWeek = weekStartOf(now) - (weeks - 1) * WEEK_MS;
  const weekly = Array.from({ length: weeks }, (_, i) => ({
    weekStart: firstWeek + i * WEEK_MS,
    paidFen: 0,
    recoveredFen: 0,
  }));
  const slot = (at: number) => weekly[Math.floor((weekStartOf(at) - firstWeek) / WEEK_MS)];
  const paid = await db.query<{ decided_at: number; paid_fen: number }>(
    `SELECT decided_at, paid_fen FROM dispute_cases
      WHERE status = 'approved' AND decided_at >= $1`,
    [firstWeek],
  );
  for (const row of paid.rows) {
    const s = slot(Number(row.decided_at));
    if (s) s.paidFen += Number(row.paid_fen);
  }
  const rec = await db.query<{ at: number; fen: number }>(
    `SELECT t.at, -e.amount_fen AS fen FROM ledger_transactions t
       JOIN ledger_entries e ON e.txn_id = t.txn_id AND e.account = $1
      WHERE t.kind = 'recovery' AND t.at >= $2`,
    [account.guaranteeFund(), firstWeek],
  );
  for (const row of rec.rows) {
    const s = slot(Number(row.at));
    if (s) s.recoveredFen += Number(row.fen);
  }

  return {
    generatedAt: now,
    openByAge: (Object.keys(buckets) as (keyof typeof buckets)[]).map((bucket) => ({
      bucket,
      count: buckets[bucket],
    })),
    decisionsPerAgent: [...perAgent.values()].sort((a, b) => a.agentId.localeCompare(b.agentId)),
    approvalRate: {
      approved,
      rejected,
      rate: approved + rejected === 0 ? null : approved / (approved + rejected),
    },
    weekly,
  };
}
