import type { Queryable } from '../db/database.ts';

export interface TreasuryOverview {
  /** One row per imported statement, newest first (the trend chart's data), at most 30. */
  statements: {
    statementId: string;
    bank: string;
    statementDate: string;
    lines: number;
    matched: number;
    openExceptions: number;
    closingFen: number;
  }[];
  openExceptions: number;
  adjustmentsWaiting: number;
  withdrawals: { requested: number; sent: number; failedToday: number };
}

/** What the finance desk shows at a glance; cheap counts, never the report's full walk. */
export async function readTreasuryOverview(db: Queryable, now: number): Promise<TreasuryOverview> {
  const s = await db.query<{
    statement_id: string;
    bank: string;
    statement_date: string;
    line_count: number;
    closing_fen: number;
    matched: number;
    open: number;
  }>(
    `SELECT s.statement_id, s.bank, s.statement_date, s.line_count, s.closing_fen,
            (SELECT count(*) FROM statement_lines l WHERE l.statement_id = s.statement_id
               AND l.outcome IN ('matched','amount_mismatch'))::bigint AS matched,
            (SELECT count(*) FROM recon_exceptions x WHERE x.statement_id = s.statement_id
               AND x.status <> 'resolved')::bigint AS open
       FROM bank_statements s ORDER BY s.statement_date DESC, s.imported_at DESC LIMIT 30`,
  );
  const c = (
    await db.query<{
      open: number;
      waiting: number;
      requested: number;
      sent: number;
      failed: number;
    }>(
      `SELECT (SELECT count(*) FROM recon_exceptions WHERE status <> 'resolved')::bigint AS open,
              (SELECT count(*) FROM recon_adjustments WHERE status = 'pending')::bigint AS waiting,
              (SELECT count(*) FROM withdrawals WHERE status = 'requested')::bigint AS requested,
              (SELECT count(*) FROM withdrawals WHERE status = 'sent')::bigint AS sent,
              (SELECT count(*) FROM withdrawals WHERE status = 'failed' AND settled_at >= $1)::bigint AS failed`,
      [now - 24 * 3_600_000],
    )
  ).rows[0];
  return {
    statements: s.rows.map((r) => ({
      statementId: r.statement_id,
      bank: r.bank,
      statementDate: r.statement_date,
      lines: r.line_count,
      matched: Number(r.matched),
      openExceptions: Number(r.open),
      closingFen: r.closing_fen,
    })),
    openExceptions: Number(c?.open ?? 0),
    adjustmentsWaiting: Number(c?.waiting ?? 0),
    withdrawals: {
      requested: Number(c?.requested ?? 0),
      sent: Number(c?.sent ?? 0),
      failedToday: Number(c?.failed ?? 0),
    },
  };
}
