import type { MethodOutput } from '../../shared/contract/types.ts';
import { statementAccount } from '../../shared/ledger/statementAccount.ts';
import { formatLocalDateTime } from '../../shared/merchantTime.ts';
import { yuanText } from '../../shared/money.ts';
import type { Translator } from '../i18n/translate.ts';

export type LedgerLine = MethodOutput<'ledger.lines'>['lines'][number];
export type StatementRow = MethodOutput<'ledger.statement'>['accounts'][number];

/** A field as RFC 4180 wants it; a leading = + - @ is defused so a spreadsheet never runs it. */
export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The merchant's ledger as a statement for accounting, oldest first. Amounts are numbers in
 * yuan with the sign the Balance view shows (what the merchant is owed grows: a credit to its
 * liability accounts is +), times are the merchant's wall clock in `timeZone`, and headers are
 * in the user's language. Each line carries the balance after it, from the statement's opening
 * balance, so opening + the amounts = closing can be checked in the file itself; with a kind
 * filter the lines are not the whole movement, and that column is left empty.
 */
export function ledgerCsv(
  lines: readonly LedgerLine[],
  statement: readonly StatementRow[],
  tr: Translator,
  opts: { timeZone: string; runningBalance: boolean },
): string {
  const header = [
    tr.t('csv.ledger.seq'),
    tr.t('csv.ledger.time', { zone: opts.timeZone }),
    tr.t('csv.ledger.kind'),
    tr.t('csv.ledger.orderId'),
    tr.t('csv.ledger.account'),
    tr.t('csv.ledger.currency'),
    tr.t('csv.ledger.amount'),
    tr.t('csv.ledger.balanceAfter'),
    tr.t('csv.ledger.txnId'),
  ];
  // Screen sign: −stored (debit +, credit −), as BalanceView shows the merchant's accounts.
  const balance = new Map<string, number>(
    statement.map((s) => [`${s.account}|${s.currency}`, -s.openingFen]),
  );
  const ordered = [...lines].sort((a, b) => a.seq - b.seq);
  const rows = ordered.map((l) => {
    const key = `${statementAccount(l.account)}|${l.currency}`;
    const after = (balance.get(key) ?? 0) - l.signedFen;
    balance.set(key, after);
    return [
      csvField(l.seq),
      csvField(formatLocalDateTime(l.at, opts.timeZone)),
      csvField(tr.dyn(`kind.${l.kind}`, l.kind)),
      csvField(l.orderId),
      csvField(l.account),
      csvField(l.currency),
      yuanText(-l.signedFen),
      opts.runningBalance ? yuanText(after) : '',
      csvField(l.txnId),
    ].join(',');
  });
  return [header.map(csvField).join(','), ...rows].join('\r\n') + '\r\n';
}
