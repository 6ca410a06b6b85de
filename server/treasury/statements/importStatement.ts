import type { Actor } from '../../../shared/escrow/types.ts';
import { DeskError } from '../../../shared/errors.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import { sha256Hex } from '../../common/sha256.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { auditTreasury } from '../treasuryAudit.ts';
import { cstDateStart } from '../treasuryPolicy.ts';
import type { TreasuryPolicy } from '../treasuryPolicy.ts';
import { parseBankCsv } from './bankCsv.ts';
import { parseCamt053 } from './camt053.ts';
import { matchStatement } from './matchStatement.ts';
import type { ExpectedMovement, MatchResult } from './matchStatement.ts';
import { invalid } from './statementTypes.ts';
import type { ParsedStatement, StatementFormat } from './statementTypes.ts';

export interface ImportedStatement {
  statementId: string;
  bank: string;
  statementRef: string;
  statementDate: string;
  format: StatementFormat;
  lineCount: number;
  matched: number;
  exceptions: number;
  /** The same file was imported before: nothing was matched or queued again. */
  duplicate: boolean;
}

/** camt.053 when the file is XML, else the CSV 对账单 (or as the caller says). */
export function parseStatement(bytes: Buffer, format?: StatementFormat): ParsedStatement {
  const sniffed: StatementFormat =
    format ??
    (/^\s*</.test(
      bytes
        .subarray(0, 512)
        .toString('latin1')
        .replace(/^\uFEFF|^ï»¿/, ''),
    )
      ? 'camt053'
      : 'csv');
  if (sniffed === 'camt053') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw invalid('camt.053 must be UTF-8');
    }
    return parseCamt053(text);
  }
  return parseBankCsv(bytes);
}

/**
 * The ledger's movements of `platform:bank:<bank>` no statement has matched yet, up to `until`,
 * each with the bank reference its notification or payout result carried. Adjustments are the
 * ledger catching up with the bank, never something the bank shows, so they are left out.
 */
export async function unmatchedMovements(
  db: Queryable,
  bank: string,
  until: number,
  from = 0,
): Promise<ExpectedMovement[]> {
  const r = await db.query<{ txn_id: string; at: number; amount_fen: number; bank_ref: string }>(
    `SELECT t.txn_id, t.at, e.amount_fen,
            coalesce(oe.event->>'bankRef', w.bank_ref, t.txn_id) AS bank_ref
       FROM ledger_entries e
       JOIN ledger_transactions t ON t.txn_id = e.txn_id
       LEFT JOIN statement_matches m ON m.txn_id = t.txn_id
       LEFT JOIN order_events oe ON t.kind = 'payment_confirmed' AND oe.order_id = t.order_id
            AND oe.command_id = t.command_id AND oe.event->>'type' = 'payment_confirmed'
       LEFT JOIN withdrawals w ON t.kind = 'payout' AND t.txn_id = 'wd:' || w.withdrawal_id || ':paid'
      WHERE e.account = $1 AND t.at <= $2 AND t.at >= $3 AND m.txn_id IS NULL
        AND t.kind <> 'bank_adjustment'`,
    [account.bank(bank), until, from],
  );
  return r.rows.map((row) => ({
    txnId: row.txn_id,
    at: row.at,
    amountFen: row.amount_fen,
    bankRef: row.bank_ref,
  }));
}

/**
 * Imports one statement: refused when it cannot be read or does not add up; the same file again
 * is a no-op answer (`duplicate`), another file under the same statement reference is
 * `statement_conflict`. Statements of one bank import one at a time (an advisory lock), so two
 * imports cannot both match the same movement; `statement_matches` would refuse it anyway.
 */
export async function importStatement(
  db: Database,
  actor: Actor,
  bank: string,
  bytes: Buffer,
  format: StatementFormat | undefined,
  now: number,
  policy: TreasuryPolicy,
): Promise<ImportedStatement> {
  if (bytes.length === 0) throw invalid('the file is empty');
  if (bytes.length > policy.maxStatementBytes)
    throw new DeskError('payload_too_large', 'statement too large');
  const parsed = parseStatement(bytes, format);
  const fileSha = sha256Hex(bytes.toString('base64'));
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`treasury-statement:${bank}`]);
    const prior = await tx.query<{
      statement_id: string;
      file_sha256: string;
      line_count: number;
      statement_date: string;
    }>(
      `SELECT statement_id, file_sha256, line_count, statement_date FROM bank_statements
        WHERE bank = $1 AND bank_statement_ref = $2`,
      [bank, parsed.statementRef],
    );
    const p = prior.rows[0];
    if (p) {
      if (p.file_sha256 !== fileSha)
        throw new DeskError(
          'statement_conflict',
          'this statement reference was imported with other content',
        );
      const counts = await tx.query<{ matched: number; exceptions: number }>(
        `SELECT (SELECT count(*) FROM statement_lines WHERE statement_id = $1
                   AND outcome IN ('matched','amount_mismatch'))::bigint AS matched,
                (SELECT count(*) FROM recon_exceptions WHERE statement_id = $1)::bigint AS exceptions`,
        [p.statement_id],
      );
      return {
        statementId: p.statement_id,
        bank,
        statementRef: parsed.statementRef,
        statementDate: p.statement_date,
        format: parsed.format,
        lineCount: p.line_count,
        matched: Number(counts.rows[0]?.matched ?? 0),
        exceptions: Number(counts.rows[0]?.exceptions ?? 0),
        duplicate: true,
      };
    }

    const expected = await unmatchedMovements(
      tx,
      bank,
      parsed.cutOffAt + policy.dateToleranceMs,
      await ledgerStart(tx, bank, parsed.statementDate),
    );
    const refs = [...new Set(parsed.lines.map((l) => l.bankRef))];
    const before = await tx.query<{ bank_ref: string; amount_fen: number }>(
      `SELECT l.bank_ref, l.amount_fen FROM statement_lines l
         JOIN bank_statements s ON s.statement_id = l.statement_id
        WHERE s.bank = $1 AND l.bank_ref = ANY($2::text[]) AND l.outcome IN ('matched','amount_mismatch')`,
      [bank, refs],
    );
    const failed = await tx.query<{ bank_ref: string }>(
      `SELECT bank_ref FROM withdrawals WHERE bank = $1 AND status = 'failed' AND bank_ref = ANY($2::text[])`,
      [bank, refs],
    );
    const result = matchStatement({
      lines: parsed.lines,
      expected,
      matchedBefore: new Map(before.rows.map((r) => [r.bank_ref, Math.sign(r.amount_fen)])),
      failedPayoutRefs: new Set(failed.rows.map((r) => r.bank_ref)),
      cutOffAt: parsed.cutOffAt,
      settlementLagMs: policy.settlementLagMs,
      dateToleranceMs: policy.dateToleranceMs,
    });

    const statementId = `st-${uuidv7(now)}`;
    await tx.query(
      `INSERT INTO bank_statements (statement_id, bank, bank_statement_ref, format, file_sha256,
         currency, statement_date, cut_off_at, opening_fen, closing_fen, line_count, imported_by,
         imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        statementId,
        bank,
        parsed.statementRef,
        parsed.format,
        fileSha,
        parsed.currency,
        parsed.statementDate,
        parsed.cutOffAt,
        parsed.openingFen,
        parsed.closingFen,
        parsed.lines.length,
        actor.userId,
        now,
      ],
    );
    const created = await storeResult(tx, bank, statementId, parsed, result, now);
    await auditTreasury(tx, now, actor.userId, 'statement_imported', `statement:${statementId}`, {
      bank,
      statementRef: parsed.statementRef,
      statementDate: parsed.statementDate,
      lines: parsed.lines.length,
      matched: result.matches.length,
      exceptions: created,
      fileSha256: fileSha,
    });
    return {
      statementId,
      bank,
      statementRef: parsed.statementRef,
      statementDate: parsed.statementDate,
      format: parsed.format,
      lineCount: parsed.lines.length,
      matched: result.matches.length,
      exceptions: created,
      duplicate: false,
    };
  });
}

/**
 * Where the bank's statements take over from the ledger: the start of the day of the bank's first
 * imported statement (or this one's, when it is the first). Movements before it are in that
 * statement's opening balance, brought forward, never expected as lines.
 */
export async function ledgerStart(
  db: Queryable,
  bank: string,
  statementDate: string,
): Promise<number> {
  const r = await db.query<{ d: string | null }>(
    'SELECT min(statement_date) AS d FROM bank_statements WHERE bank = $1',
    [bank],
  );
  const first = r.rows[0]?.d;
  return cstDateStart(first && first < statementDate ? first : statementDate);
}

const CHUNK = 10_000;

/** Lines, matches and exceptions in a few multi-row statements (arrays through unnest). */
async function storeResult(
  tx: Queryable,
  bank: string,
  statementId: string,
  parsed: ParsedStatement,
  result: MatchResult,
  now: number,
): Promise<number> {
  const outcomeOf = new Map(result.outcomes.map((o) => [o.lineNo, o]));
  for (let i = 0; i < parsed.lines.length; i += CHUNK) {
    const part = parsed.lines.slice(i, i + CHUNK);
    await tx.query(
      `INSERT INTO statement_lines (statement_id, line_no, booked_at, amount_fen, bank_ref,
         reversal, description, outcome, txn_id)
       SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::text[], $6::boolean[],
         $7::text[], $8::text[], $9::text[])`,
      [
        statementId,
        part.map((l) => l.lineNo),
        part.map((l) => l.bookedAt),
        part.map((l) => l.amountFen),
        part.map((l) => l.bankRef),
        part.map((l) => l.reversal),
        part.map((l) => l.description),
        part.map((l) => outcomeOf.get(l.lineNo)?.outcome ?? 'unknown_line'),
        part.map((l) => outcomeOf.get(l.lineNo)?.txnId ?? null),
      ],
    );
  }
  for (let i = 0; i < result.matches.length; i += CHUNK) {
    const part = result.matches.slice(i, i + CHUNK);
    await tx.query(
      `INSERT INTO statement_matches (txn_id, bank, statement_id, line_no)
       SELECT t, $1, $2, n FROM unnest($3::text[], $4::int[]) AS u(t, n)`,
      [bank, statementId, part.map((m) => m.txnId), part.map((m) => m.lineNo)],
    );
  }
  // A movement reported unsettled by an earlier statement that this one shows: settled late.
  if (result.matches.length > 0)
    await tx.query(
      `UPDATE recon_exceptions SET status = 'resolved', resolution = 'settled_late',
         resolved_by = 'system', resolved_at = $2
        WHERE kind = 'unsettled' AND status = 'open' AND txn_id = ANY($1::text[])`,
      [result.matches.map((m) => m.txnId), now],
    );
  let created = 0;
  for (let i = 0; i < result.exceptions.length; i += CHUNK) {
    const part = result.exceptions.slice(i, i + CHUNK);
    const r = await tx.query(
      `INSERT INTO recon_exceptions (exception_id, bank, statement_id, kind, line_no, txn_id,
         bank_ref, statement_fen, ledger_fen, status, created_at)
       SELECT $1 || '-' || (n + $11), $2, $3, k, l, t, r, s, g, 'open', $10
         FROM unnest($4::text[], $5::int[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])
              WITH ORDINALITY AS u(k, l, t, r, s, g, n)
       ON CONFLICT (txn_id) WHERE kind = 'unsettled' DO NOTHING`,
      [
        `ex-${statementId.slice(3)}`,
        bank,
        statementId,
        part.map((e) => e.kind),
        part.map((e) => e.lineNo),
        part.map((e) => e.txnId),
        part.map((e) => e.bankRef),
        part.map((e) => e.statementFen),
        part.map((e) => e.ledgerFen),
        now,
        i,
      ],
    );
    created += r.rowCount;
  }
  return created;
}
