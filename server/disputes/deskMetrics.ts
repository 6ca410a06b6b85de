import { account } from '../../shared/ledger/accounts.ts';
import { DAY_MS } from '../../shared/time.ts';
import type { Queryable } from '../db/database.ts';
import { readPeople } from './agentDirectory.ts';

/** What senior agents watch: backlog age, who decides what, and money out and back per week. */
export interface DeskMetrics {
  generatedAt: number;
  openByAge: { bucket: '<1d' | '1-3d' | '3-7d' | '>7d'; count: number }[];
  decisionsPerAgent: {
    agentId: string;
    displayName: string;
    approved: number;
    rejected: number;
    infoRequested: number;
  }[];
  approvalRate: { approved: number; rejected: number; rate: number | null };
  /** Filing to decision, over every decided case (null medians while none is decided). */
  timeToResolve: { decided: number; medianMs: number | null; p90Ms: number | null };
  /** Weeks start on Monday 00:00 UTC; `weekStart` is epoch ms. */
  weekly: {
    weekStart: number;
    paidFen: number;
    recoveredFen: number;
    /** Median filing-to-decision time of the cases decided that week. */
    resolveMedianMs: number | null;
  }[];
}

/** The value at quantile q of sorted numbers (nearest rank), or null for none. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
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

  // Approvals and rejections count for every agent who decided them — both the maker and the
  // checker of a maker-checker approval (the claim's decidedBy). Requests for information
  // leave no decidedBy, so they come from the audit trail: the command that moved the claim.
  const perAgent = new Map<string, DeskMetrics['decisionsPerAgent'][number]>();
  const agentRow = (agentId: string) => {
    let a = perAgent.get(agentId);
    if (!a) {
      a = { agentId, displayName: agentId, approved: 0, rejected: 0, infoRequested: 0 };
      perAgent.set(agentId, a);
    }
    return a;
  };
  const decisions = await db.query<{ agent_id: string; status: string; n: number }>(
    `SELECT a.agent_id, c.status, count(*)::int AS n
       FROM dispute_cases c,
            jsonb_array_elements_text(coalesce(c.snapshot->'decidedBy', '[]'::jsonb)) AS a(agent_id)
      WHERE c.status IN ('approved', 'rejected')
      GROUP BY a.agent_id, c.status`,
  );
  for (const row of decisions.rows) {
    const a = agentRow(row.agent_id);
    if (row.status === 'approved') a.approved += Number(row.n);
    else a.rejected += Number(row.n);
  }
  const info = await db.query<{ actor_id: string; n: number }>(
    `SELECT actor_id, count(*)::int AS n
       FROM case_audit
      WHERE action = 'decide_claim' AND after->>'status' = 'info_requested'
        AND (before->>'status') IS DISTINCT FROM (after->>'status')
      GROUP BY actor_id`,
  );
  for (const row of info.rows) agentRow(row.actor_id).infoRequested += Number(row.n);
  for (const p of await readPeople(db, perAgent.keys())) {
    const a = perAgent.get(p.userId);
    if (a) a.displayName = p.displayName;
  }

  const decided = await db.query<{ approved: number; rejected: number }>(
    `SELECT count(*) FILTER (WHERE status = 'approved')::int AS approved,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected
       FROM dispute_cases`,
  );
  const approved = Number(decided.rows[0]?.approved ?? 0);
  const rejected = Number(decided.rows[0]?.rejected ?? 0);

  const firstWeek = weekStartOf(now) - (weeks - 1) * WEEK_MS;
  const weekly: DeskMetrics['weekly'] = Array.from({ length: weeks }, (_, i) => ({
    weekStart: firstWeek + i * WEEK_MS,
    paidFen: 0,
    recoveredFen: 0,
    resolveMedianMs: null,
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
  const resolved = await db.query<{ filed_at: number; decided_at: number }>(
    `SELECT filed_at, decided_at FROM dispute_cases
      WHERE status IN ('approved', 'rejected') AND decided_at IS NOT NULL`,
  );
  const durations: number[] = [];
  const perWeek = new Map<number, number[]>();
  for (const row of resolved.rows) {
    const ms = Number(row.decided_at) - Number(row.filed_at);
    durations.push(ms);
    const week = weekStartOf(Number(row.decided_at));
    perWeek.set(week, [...(perWeek.get(week) ?? []), ms]);
  }
  durations.sort((a, b) => a - b);
  for (const w of weekly)
    w.resolveMedianMs = quantile(
      (perWeek.get(w.weekStart) ?? []).sort((a, b) => a - b),
      0.5,
    );
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
    timeToResolve: {
      decided: durations.length,
      medianMs: quantile(durations, 0.5),
      p90Ms: quantile(durations, 0.9),
    },
    weekly,
  };
}
