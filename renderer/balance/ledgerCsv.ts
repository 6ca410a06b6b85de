import type { MethodOutput } from '../../shared/contract/types.ts';

export type LedgerLine = MethodOutput<'ledger.lines'>['lines'][number];

/** A field as RFC 4180 wants it; a leading = + - @ is defused so a spreadsheet never runs it. */
export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The merchant's ledger as CSV for accounting. Amounts stay in fen (integers, signed as stored:
 * debit +, credit −) next to a yuan column formatted without floating point, so the file can be
 * summed exactly and read by people.
 */
export function ledgerCsv(lines: readonly LedgerLine[]): string {
  const header = [
    'seq',
    'txn_id',
    'time_utc',
    'kind',
    'order_id',
    'account',
    'currency',
    'amount_fen',
    'amount_yuan',
  ];
  const rows = lines.map((l) => {
    const abs = Math.abs(l.signedFen);
    const yuan = `${l.signedFen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
    return [
      l.seq,
      l.txnId,
      new Date(l.at).toISOString(),
      l.kind,
      l.orderId,
      l.account,
      l.currency,
      l.signedFen,
      yuan,
    ]
      .map(csvField)
      .join(',');
  });
  return [header.join(','), ...rows].join('\r\n') + '\r\n';
}
