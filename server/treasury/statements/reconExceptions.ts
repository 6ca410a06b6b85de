import type { Actor } from '../../../shared/escrow/types.ts';
import { DeskError } from '../../../shared/errors.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { postAndLog } from '../../ledger/postAndLog.ts';
import { auditTreasury } from '../treasuryAudit.ts';
import type { ExceptionKind } from './matchStatement.ts';
import { PLATFORM_SHARD } from '../../../shared/ledger/shards.ts';

export interface ReconException {
  exceptionId: string;
  bank: string;
  statementId: string;
  kind: ExceptionKind;
  lineNo: number | null;
  txnId: string | null;
  bankRef: string;
  statementFen: number;
  ledgerFen: number;
  /** statement − ledger: what an adjustment would post to the bank account. */
  differenceFen: number;
  status: 'open' | 'adjusting' | 'resolved';
  resolution: string | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
  createdAt: number;
  adjustment: {
    adjustmentId: string;
    status: 'pending' | 'posted' | 'refused';
    makerId: string;
    checkerId: string | null;
    reason: string;
  } | null;
}

interface ExceptionRow {
  exception_id: string;
  bank: string;
  statement_id: string;
  kind: ExceptionKind;
  line_no: number | null;
  txn_id: string | null;
  bank_ref: string;
  statement_fen: number;
  ledger_fen: number;
  status: ReconException['status'];
  resolution: string | null;
  note: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
  created_at: number;
  adjustment_id: string | null;
  adj_status: 'pending' | 'posted' | 'refused' | null;
  maker_id: string | null;
  checker_id: string | null;
  reason: string | null;
}

const SELECT = `SELECT x.*, a.adjustment_id, a.status AS adj_status, a.maker_id, a.checker_id, a.reason
  FROM recon_exceptions x LEFT JOIN recon_adjustments a ON a.exception_id = x.exception_id
   AND a.status <> 'refused'`;

function toException(r: ExceptionRow): ReconException {
  return {
    exceptionId: r.exception_id,
    bank: r.bank,
    statementId: r.statement_id,
    kind: r.kind,
    lineNo: r.line_no,
    txnId: r.txn_id,
    bankRef: r.bank_ref,
    statementFen: r.statement_fen,
    ledgerFen: r.ledger_fen,
    differenceFen: r.statement_fen - r.ledger_fen,
    status: r.status,
    resolution: r.resolution,
    note: r.note,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    createdAt: r.created_at,
    adjustment:
      r.adjustment_id && r.adj_status && r.maker_id
        ? {
            adjustmentId: r.adjustment_id,
            status: r.adj_status,
            makerId: r.maker_id,
            checkerId: r.checker_id,
            reason: r.reason ?? '',
          }
        : null,
  };
}

export async function listExceptions(
  db: Queryable,
  filter: { status?: ReconException['status']; statementId?: string; limit?: number },
): Promise<ReconException[]> {
  const r = await db.query<ExceptionRow>(
    `${SELECT} WHERE ($1::text IS NULL OR x.status = $1) AND ($2::text IS NULL OR x.statement_id = $2)
      ORDER BY x.created_at, x.exception_id LIMIT $3`,
    [filter.status ?? null, filter.statementId ?? null, filter.limit ?? 500],
  );
  return r.rows.map(toException);
}

async function lockException(tx: Queryable, exceptionId: string): Promise<ExceptionRow> {
  const r = await tx.query<ExceptionRow>(`${SELECT} WHERE x.exception_id = $1 FOR UPDATE OF x`, [
    exceptionId,
  ]);
  const row = r.rows[0];
  if (!row) throw new DeskError('exception_not_found', 'no such exception');
  return row;
}

/**
 * Closes an exception without moving money, with the reason on record: a timing difference the
 * bank explained, a duplicate the bank will reverse itself. Its difference stays a reconciling
 * item of the report until the statements show it gone.
 */
export async function explainException(
  db: Database,
  actor: Actor,
  exceptionId: string,
  note: string,
  now: number,
): Promise<ReconException> {
  return db.transaction(async (tx) => {
    const x = await lockException(tx, exceptionId);
    if (x.status !== 'open') throw new DeskError('invalid_state', `the exception is ${x.status}`);
    await tx.query(
      `UPDATE recon_exceptions SET status = 'resolved', resolution = 'explained', note = $2,
         resolved_by = $3, resolved_at = $4 WHERE exception_id = $1`,
      [exceptionId, note, actor.userId, now],
    );
    await auditTreasury(tx, now, actor.userId, 'exception_resolved', `exception:${exceptionId}`, {
      resolution: 'explained',
      note,
    });
    return toException(await lockException(tx, exceptionId));
  });
}

/**
 * Maker: proposes to post the exception's difference so the ledger's bank account agrees with
 * the bank (`platform:bank` ↔ `platform:suspense`, where finance then clears it). Nothing is
 * posted until a different finance user approves.
 */
export async function proposeAdjustment(
  db: Database,
  actor: Actor,
  exceptionId: string,
  reason: string,
  now: number,
): Promise<ReconException> {
  return db.transaction(async (tx) => {
    const x = await lockException(tx, exceptionId);
    if (x.status !== 'open') throw new DeskError('invalid_state', `the exception is ${x.status}`);
    const amountFen = x.statement_fen - x.ledger_fen;
    if (amountFen === 0) throw new DeskError('invalid_state', 'nothing to adjust');
    const adjustmentId = `adj-${uuidv7(now)}`;
    await tx.query(
      `INSERT INTO recon_adjustments (adjustment_id, exception_id, bank, currency, amount_fen,
         reason, maker_id, made_at, status) VALUES ($1, $2, $3, 'CNY', $4, $5, $6, $7, 'pending')
       ON CONFLICT (exception_id) DO UPDATE SET adjustment_id = $1, amount_fen = $4, reason = $5,
         maker_id = $6, made_at = $7, status = 'pending', checker_id = NULL, checked_at = NULL
         WHERE recon_adjustments.status = 'refused'`,
      [adjustmentId, exceptionId, x.bank, amountFen, reason, actor.userId, now],
    );
    await tx.query(`UPDATE recon_exceptions SET status = 'adjusting' WHERE exception_id = $1`, [
      exceptionId,
    ]);
    await auditTreasury(tx, now, actor.userId, 'adjustment_proposed', `exception:${exceptionId}`, {
      adjustmentId,
      amountFen,
      reason,
    });
    return toException(await lockException(tx, exceptionId));
  });
}

/**
 * Checker: a second, different finance user approves (the posting is made and the exception
 * resolved) or refuses (the exception is open again). The maker cannot check their own.
 */
export async function decideAdjustment(
  db: Database,
  actor: Actor,
  exceptionId: string,
  approve: boolean,
  note: string,
  now: number,
): Promise<ReconException> {
  return db.transaction(async (tx) => {
    const x = await lockException(tx, exceptionId);
    if (x.status !== 'adjusting' || x.adj_status !== 'pending' || !x.adjustment_id)
      throw new DeskError('approval_not_pending', 'no adjustment waits for approval');
    if (x.maker_id === actor.userId)
      throw new DeskError('second_approver_must_differ', 'the maker cannot approve their own');
    const adjustmentId = x.adjustment_id;
    if (!approve) {
      await tx.query(
        `UPDATE recon_adjustments SET status = 'refused', checker_id = $2, checked_at = $3
          WHERE adjustment_id = $1`,
        [adjustmentId, actor.userId, now],
      );
      await tx.query(`UPDATE recon_exceptions SET status = 'open' WHERE exception_id = $1`, [
        exceptionId,
      ]);
      await auditTreasury(tx, now, actor.userId, 'adjustment_refused', `exception:${exceptionId}`, {
        adjustmentId,
        note,
      });
      return toException(await lockException(tx, exceptionId));
    }
    const amountFen = x.statement_fen - x.ledger_fen;
    const txnId = `adj:${adjustmentId}`;
    await postAndLog(
      tx,
      {
        txnId,
        // Platform-only, of no merchant: booked in the platform shard (shards.ts).
        shard: PLATFORM_SHARD,
        commandId: txnId,
        kind: 'bank_adjustment',
        at: now,
        currency: 'CNY',
        legs: [
          { account: account.bank(x.bank), amountFen },
          { account: account.suspense(), amountFen: -amountFen },
        ],
      },
      null,
      now,
    );
    await tx.query(
      `UPDATE recon_adjustments SET status = 'posted', checker_id = $2, checked_at = $3, txn_id = $4
        WHERE adjustment_id = $1`,
      [adjustmentId, actor.userId, now, txnId],
    );
    await tx.query(
      `UPDATE recon_exceptions SET status = 'resolved', resolution = 'adjusted', note = $2,
         resolved_by = $3, resolved_at = $4 WHERE exception_id = $1`,
      [exceptionId, note, actor.userId, now],
    );
    await auditTreasury(tx, now, actor.userId, 'adjustment_approved', `exception:${exceptionId}`, {
      adjustmentId,
      amountFen,
      txnId,
      note,
    });
    return toException(await lockException(tx, exceptionId));
  });
}
