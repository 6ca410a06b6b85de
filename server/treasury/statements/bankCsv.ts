import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { DAY_MS } from '../../../shared/time.ts';
import { cstDateStart } from '../treasuryPolicy.ts';
import { checkStatementAddsUp, invalid, yuanToFen } from './statementTypes.ts';
import type { ParsedStatement, StatementLine } from './statementTypes.ts';

/**
 * The CSV statement (对账单) Chinese banks' corporate portals export: a few `名称,值` lines of
 * account details, then a table with a header row. Column names vary between banks, so each
 * field accepts the common spellings. GBK (the portals' default) or UTF-8 (with or without a
 * BOM) are both read. Reversals are the lines whose 摘要 says 冲正/冲账, or a 冲正标志 of 是/Y.
 */
const COLUMNS = {
  date: ['交易日期', '记账日期', '入账日期'],
  time: ['交易时间', '记账时间'],
  ref: ['交易流水号', '银行流水号', '流水号', '交易参考号', '凭证号'],
  debit: ['借方发生额', '支出金额', '借方金额', '付款金额'],
  credit: ['贷方发生额', '收入金额', '贷方金额', '收款金额'],
  summary: ['摘要', '用途', '交易摘要', '附言'],
  reversal: ['冲正标志', '冲正标识'],
} as const;

const META = {
  ref: ['对账单编号', '对账单号', '账单编号'],
  date: ['对账日期', '账单日期'],
  currency: ['币种'],
  opening: ['期初余额', '上日余额'],
  closing: ['期末余额', '本日余额'],
} as const;

/** UTF-8 when the bytes are valid UTF-8, else GBK (what a Chinese Excel or portal writes). */
export function decodeStatementBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gbk');
  }
}

const norm = (s: string) => s.replace(/[\s:：]/g, '');
const pick = (names: readonly string[], header: string[]) =>
  header.findIndex((h) => names.includes(norm(h)));

function normDate(text: string, what: string): string {
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(text.trim());
  if (!m) throw invalid(`${what}: not a date: ${JSON.stringify(text.slice(0, 20))}`);
  return `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}`;
}

function timeOfDay(text: string): number {
  const m = /^(\d{1,2}):?(\d{2}):?(\d{2})?$/.exec(text.trim());
  if (!m) return 0;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000;
}

export function parseBankCsv(bytes: Buffer): ParsedStatement {
  const text = decodeStatementBytes(bytes).replace(/^\uFEFF/, '');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  const rows = parsed.data;
  const headerAt = rows.findIndex((r) => pick(COLUMNS.date, r) >= 0 && pick(COLUMNS.ref, r) >= 0);
  if (headerAt < 0) throw invalid('no header row with 交易日期 and 交易流水号');
  const meta = new Map<string, string>();
  for (const r of rows.slice(0, headerAt)) {
    const [k, v] = r;
    if (k !== undefined && v !== undefined) meta.set(norm(k), v.trim());
  }
  const metaOf = (names: readonly string[]) => names.map((n) => meta.get(n)).find((v) => v);
  const header = rows[headerAt] ?? [];
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, names]) => [k, pick(names, header)]),
  ) as Record<keyof typeof COLUMNS, number>;
  if (col.debit < 0 || col.credit < 0) throw invalid('no 借方发生额/贷方发生额 columns');

  const lines: StatementLine[] = rows.slice(headerAt + 1).map((r, i) => {
    const what = `row ${headerAt + i + 2}`;
    const cell = (c: number) => (c >= 0 ? (r[c] ?? '').trim() : '');
    const debit = cell(col.debit) ? yuanToFen(cell(col.debit), `${what} 借方`) : 0;
    const credit = cell(col.credit) ? yuanToFen(cell(col.credit), `${what} 贷方`) : 0;
    if ((debit !== 0) === (credit !== 0)) throw invalid(`${what}: one of 借方/贷方 must be set`);
    const summary = cell(col.summary);
    const bankRef = cell(col.ref);
    if (!bankRef || bankRef.length > 100) throw invalid(`${what}: no 流水号`);
    return {
      lineNo: i + 1,
      bookedAt: cstDateStart(normDate(cell(col.date), what)) + timeOfDay(cell(col.time)),
      amountFen: credit !== 0 ? credit : -Math.abs(debit),
      bankRef,
      reversal: /冲正|冲账/.test(summary) || /^(是|Y|y|1)$/.test(cell(col.reversal)),
      description: summary.slice(0, 500),
    };
  });
  const currency = metaOf(META.currency) ?? '人民币';
  if (!['人民币', 'CNY', 'RMB'].includes(currency))
    throw invalid('only CNY statements are reconciled');
  const dateText = metaOf(META.date);
  if (!dateText) throw invalid('no 对账日期');
  const statementDate = normDate(dateText, '对账日期');
  const opening = metaOf(META.opening);
  const closing = metaOf(META.closing);
  if (opening === undefined || closing === undefined) throw invalid('no 期初余额/期末余额');
  return checkStatementAddsUp({
    format: 'csv',
    statementRef: metaOf(META.ref) ?? '',
    currency: 'CNY',
    statementDate,
    cutOffAt: cstDateStart(statementDate) + DAY_MS - 1,
    openingFen: yuanToFen(opening, '期初余额'),
    closingFen: yuanToFen(closing, '期末余额'),
    lines,
  });
}
