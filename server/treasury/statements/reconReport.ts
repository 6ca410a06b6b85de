import { DeskError } from '../../../shared/errors.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import type { Queryable } from '../../db/database.ts';
import { cstDateStart } from '../treasuryPolicy.ts';
import type { ExceptionKind } from './matchStatement.ts';
import { rollupRoot } from '../../../shared/ledger/rollup.ts';
import { sha256Hex } from '../../common/sha256.ts';
import { readShardHeads } from '../../ledger/ledgerRollup.ts';

export interface ReconReport {
  statementId: string;
  bank: string;
  statementRef: string;
  statementDate: string;
  cutOffAt: number;
  generatedAt: number;
  statementClosingFen: number;
  /** `platform:bank:<bank>` in the ledger as of the cut-off. */
  ledgerBalanceFen: number;
  /**
   * The bank's balance before the ledger's first movement it shows: the first statement's
   * opening balance minus the ledger's balance at that day's start (0 when the ledger opened
   * with the account).
   */
  broughtForwardFen: number;
  /** Ledger movements up to the cut-off that no statement up to this one shows yet. */
  inTransit: { txnId: string; at: number; amountFen: number }[];
  inTransitFen: number;
  /** Movements posted after the cut-off that the bank booked on or before this statement. */
  bankAheadFen: number;
  /** Open differences: exceptions not settled by a posted adjustment by the cut-off. */
  reconcilingItems: {
    exceptionId: string;
    kind: ExceptionKind;
    bankRef: string;
    differenceFen: number;
    status: string;
    resolution: string | null;
  }[];
  reconcilingFen: number;
  /** brought forward + ledger − in transit + bank ahead + reconciling items. */
  expectedClosingFen: number;
  /** statement closing − expected closing: zero when the books match the bank. */
  differenceFen: number;
  reconciled: boolean;
  counts: { lines: number; matched: number; openExceptions: number; resolvedExceptions: number };
  /**
   * The ledger head this report was computed against: the roll-up root over the shard heads
   * (shared/ledger/rollup.ts) and the number of journal transactions it covers.
   */
  chainHead: { seq: number; hash: string };
}

/**
 * The daily reconciliation (DESIGN "Reconciliation"): the statement's closing balance must equal
 * the ledger's bank account at the cut-off, plus or minus the listed items in transit and open
 * differences. Everything is read in the caller's snapshot (REPEATABLE READ), including the
 * chain head it names, so the report is one consistent view of the books.
 */
export async function buildReconReport(
  db: Queryable,
  statementId: string,
  now: number,
): Promise<ReconReport> {
  const s = (
    await db.query<{
      bank: string;
      bank_statement_ref: string;
      statement_date: string;
      cut_off_at: number;
      closing_fen: number;
      line_count: number;
    }>('SELECT * FROM bank_statements WHERE statement_id = $1', [statementId])
  ).rows[0];
  if (!s) throw new DeskError('not_found', 'no such statement');
  const bankAccount = account.bank(s.bank);
  const params = [bankAccount, s.cut_off_at, s.statement_date, s.bank];
  const one = async (sql: string, p: unknown[] = params): Promise<number> =>
    Number((await db.query<{ v: number | string | null }>(sql, p)).rows[0]?.v ?? 0);

  const ledgerBalanceFen = await one(
    `SELECT coalesce(sum(e.amount_fen), 0)::bigint AS v FROM ledger_entries e
       JOIN ledger_transactions t ON t.txn_id = e.txn_id WHERE e.account = $1 AND t.at <= $2`,
    [bankAccount, s.cut_off_at],
  );
  const first = (
    await db.query<{ statement_date: string; opening_fen: number }>(
      `SELECT statement_date, opening_fen FROM bank_statements WHERE bank = $1
        ORDER BY statement_date, imported_at LIMIT 1`,
      [s.bank],
    )
  ).rows[0];
  const ledgerBeforeFirst = first
    ? await one(
        `SELECT coalesce(sum(e.amount_fen), 0)::bigint AS v FROM ledger_entries e
           JOIN ledger_transactions t ON t.txn_id = e.txn_id WHERE e.account = $1 AND t.at < $2`,
        [bankAccount, cstDateStart(first.statement_date)],
      )
    : 0;
  const broughtForwardFen = (first?.opening_fen ?? 0) - ledgerBeforeFirst;

  const firstDayStart = first ? cstDateStart(first.statement_date) : 0;
  const matchedBy = `SELECT 1 FROM statement_matches m JOIN bank_statements ms ON ms.statement_id = m.statement_id
    WHERE m.txn_id = t.txn_id AND ms.bank = $4 AND ms.statement_date <= $3`;
  const transit = await db.query<{ txn_id: string; at: number; amount_fen: number }>(
    `SELECT t.txn_id, t.at, e.amount_fen FROM ledger_entries e
       JOIN ledger_transactions t ON t.txn_id = e.txn_id
      WHERE e.account = $1 AND t.at <= $2 AND t.at >= $5 AND t.kind <> 'bank_adjustment'
        AND NOT EXISTS (${matchedBy})
        AND NOT EXISTS (SELECT 1 FROM recon_exceptions x JOIN bank_statements xs ON xs.statement_id = x.statement_id
                         WHERE x.kind = 'unsettled' AND x.txn_id = t.txn_id AND xs.statement_date <= $3)
      ORDER BY t.at, t.shard, t.seq`,
    [...params, firstDayStart],
  );
  const bankAheadFen = await one(
    `SELECT coalesce(sum(e.amount_fen), 0)::bigint AS v FROM ledger_entries e
       JOIN ledger_transactions t ON t.txn_id = e.txn_id
      WHERE e.account = $1 AND t.at > $2 AND EXISTS (${matchedBy})`,
  );
  const items = await db.query<{
    exception_id: string;
    kind: ExceptionKind;
    bank_ref: string;
    d: number;
    status: string;
    resolution: string | null;
  }>(
    `SELECT x.exception_id, x.kind, x.bank_ref, (x.statement_fen - x.ledger_fen) AS d, x.status, x.resolution
       FROM recon_exceptions x JOIN bank_statements xs ON xs.statement_id = x.statement_id
      WHERE xs.bank = $3 AND xs.statement_date <= $2
        AND NOT (x.kind = 'unsettled' AND EXISTS (
              SELECT 1 FROM statement_matches m JOIN bank_statements ms ON ms.statement_id = m.statement_id
               WHERE m.txn_id = x.txn_id AND ms.statement_date <= $2))
        AND NOT EXISTS (SELECT 1 FROM recon_adjustments a JOIN ledger_transactions adj ON adj.txn_id = a.txn_id
                         WHERE a.exception_id = x.exception_id AND a.status = 'posted' AND adj.at <= $1)
      ORDER BY x.created_at, x.exception_id`,
    [s.cut_off_at, s.statement_date, s.bank],
  );
  const counts = (
    await db.query<{ matched: number; open: number; resolved: number }>(
      `SELECT (SELECT count(*) FROM statement_lines WHERE statement_id = $1
                 AND outcome IN ('matched','amount_mismatch'))::bigint AS matched,
              (SELECT count(*) FROM recon_exceptions WHERE statement_id = $1 AND status <> 'resolved')::bigint AS open,
              (SELECT count(*) FROM recon_exceptions WHERE statement_id = $1 AND status = 'resolved')::bigint AS resolved`,
      [statementId],
    )
  ).rows[0];
  // The platform-wide head: the roll-up over the shard heads as they stand (the journal is
  // chained per shard), with the number of transactions it covers.
  const heads = await readShardHeads(db);
  const head = {
    seq: heads.reduce((n, h) => n + h.seq, 0),
    hash: rollupRoot(heads, sha256Hex),
  };

  const inTransit = transit.rows.map((r) => ({
    txnId: r.txn_id,
    at: r.at,
    amountFen: r.amount_fen,
  }));
  const inTransitFen = inTransit.reduce((sum, r) => sum + r.amountFen, 0);
  const reconcilingItems = items.rows.map((r) => ({
    exceptionId: r.exception_id,
    kind: r.kind,
    bankRef: r.bank_ref,
    differenceFen: Number(r.d),
    status: r.status,
    resolution: r.resolution,
  }));
  const reconcilingFen = reconcilingItems.reduce((sum, r) => sum + r.differenceFen, 0);
  const expectedClosingFen =
    broughtForwardFen + ledgerBalanceFen - inTransitFen + bankAheadFen + reconcilingFen;
  return {
    statementId,
    bank: s.bank,
    statementRef: s.bank_statement_ref,
    statementDate: s.statement_date,
    cutOffAt: s.cut_off_at,
    generatedAt: now,
    statementClosingFen: s.closing_fen,
    ledgerBalanceFen,
    broughtForwardFen,
    inTransit,
    inTransitFen,
    bankAheadFen,
    reconcilingItems,
    reconcilingFen,
    expectedClosingFen,
    differenceFen: s.closing_fen - expectedClosingFen,
    reconciled: s.closing_fen === expectedClosingFen,
    counts: {
      lines: s.line_count,
      matched: Number(counts?.matched ?? 0),
      openExceptions: Number(counts?.open ?? 0),
      resolvedExceptions: Number(counts?.resolved ?? 0),
    },
    chainHead: { seq: Number(head.seq), hash: head.hash },
  };
}
