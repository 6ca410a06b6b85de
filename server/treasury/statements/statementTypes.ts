import { DeskError } from '../../../shared/errors.ts';

export type StatementFormat = 'camt053' | 'csv';

/** One booked line of a bank statement, signed from the platform account's side. */
export interface StatementLine {
  lineNo: number;
  bookedAt: number;
  /** Credits (money in) positive, debits negative, in fen. */
  amountFen: number;
  /** The bank's reference for the movement: what notifications and payout results carry. */
  bankRef: string;
  /** The bank marked it a reversal (camt.053 RvslInd, 冲正 in a CSV 对账单). */
  reversal: boolean;
  description: string;
}

/** A statement as both formats read: what matching and the report need, nothing more. */
export interface ParsedStatement {
  format: StatementFormat;
  /** The bank's own id of the statement (camt.053 Stmt/Id, the CSV's 对账单编号). */
  statementRef: string;
  currency: 'CNY';
  /** The statement's day (YYYY-MM-DD, China Standard Time). */
  statementDate: string;
  /** The last moment the statement covers. */
  cutOffAt: number;
  openingFen: number;
  closingFen: number;
  lines: StatementLine[];
}

export const invalid = (message: string) => new DeskError('statement_invalid', message);

/**
 * "1,234.56", "-12.3", "0.05" (yuan, as banks print them) → fen, without floating point.
 * Thousands separators are allowed; more than two decimals is an error, not a rounding.
 */
export function yuanToFen(text: string, what: string): number {
  const m = /^\s*([+-])?(\d{1,3}(?:,\d{3})+|\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) throw invalid(`${what}: not an amount: ${JSON.stringify(text.slice(0, 40))}`);
  const whole = Number((m[2] ?? '').replace(/,/g, ''));
  const fen = whole * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) throw invalid(`${what}: amount out of range`);
  return m[1] === '-' ? -fen : fen;
}

/** Opening + lines must be the closing balance: a statement that does not add up is refused. */
export function checkStatementAddsUp(s: ParsedStatement): ParsedStatement {
  let sum = s.openingFen;
  for (const l of s.lines) sum += l.amountFen;
  if (!Number.isSafeInteger(sum) || sum !== s.closingFen)
    throw invalid(
      `opening ${s.openingFen} plus the lines (${sum - s.openingFen}) is not the closing ${s.closingFen}`,
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.statementDate)) throw invalid('no statement date');
  if (!/^[A-Za-z0-9_.:/-]{1,100}$/.test(s.statementRef)) throw invalid('bad statement reference');
  return s;
}
