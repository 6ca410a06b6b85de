import type { DeskApi, MethodInput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { formatLocalDateTime } from '../../shared/merchantTime.ts';
import { yuanText } from '../../shared/money.ts';
import { csvField } from '../balance/ledgerCsv.ts';
import type { Translator } from '../i18n/translate.ts';
import type { OrderRow } from '../stores/orderListStore.ts';

/** The most orders one export takes (a year of a busy shop); the list says if there are more. */
export const EXPORT_MAX_ORDERS = 50_000;
const PAGE = 500;

/**
 * Every order of the current filter, in the list's order, page by page from the desk's replica
 * (which answers offline too). `{ error }` when the desk refused a page.
 */
export async function exportRows(
  desk: DeskApi,
  query: Omit<MethodInput<'orders.search'>, 'offset' | 'limit'>,
): Promise<{ rows: OrderRow[] } | { error: ErrorInfo }> {
  const rows: OrderRow[] = [];
  for (;;) {
    const r = await desk.orders.search({ ...query, offset: rows.length, limit: PAGE });
    if (!r.ok) return { error: r.error };
    rows.push(...r.value.rows);
    if (r.value.rows.length < PAGE || rows.length >= Math.min(r.value.total, EXPORT_MAX_ORDERS))
      return { rows: rows.slice(0, EXPORT_MAX_ORDERS) };
  }
}

type Cell = string | number;

/** One sheet: localized headers, then one line per order; amounts are yuan numbers. */
export function ordersTable(
  rows: readonly OrderRow[],
  tr: Translator,
  timeZone: string,
): { header: string[]; lines: Cell[][] } {
  const header = [
    tr.t('col.orderId'),
    tr.t('export.created', { zone: timeZone }),
    tr.t('col.buyer'),
    tr.t('col.item'),
    tr.t('export.quantity'),
    tr.t('export.amount'),
    tr.t('col.status'),
    tr.t('export.carrier'),
    tr.t('export.trackingNo'),
    tr.t('note.flag'),
    tr.t('col.note'),
  ];
  const lines = rows.map((r) => [
    r.orderId,
    formatLocalDateTime(r.createdAt, timeZone),
    r.buyerId,
    r.title,
    r.quantity,
    // Integer fen to a two-place decimal, exactly (no float arithmetic on the amount).
    Number(yuanText(r.amountFen)),
    tr.dyn(`status.${r.status}`, r.status),
    r.carrier ? tr.dyn(`carrier.${r.carrier}`, r.carrier) : '',
    r.trackingNo ?? '',
    r.flag ? tr.dyn(`flag.${r.flag}`, r.flag) : '',
    r.sellerNote,
  ]);
  return { header, lines };
}

export function ordersCsv(table: { header: string[]; lines: Cell[][] }): string {
  const amountColumn = 5;
  const text = [table.header.map(csvField).join(',')];
  for (const line of table.lines) {
    text.push(
      line
        .map((cell, i) =>
          // The amount as a plain two-place number; everything else defused like any text.
          i === amountColumn && typeof cell === 'number' ? cell.toFixed(2) : csvField(cell),
        )
        .join(','),
    );
  }
  return text.join('\r\n') + '\r\n';
}

/** The same table as an .xlsx workbook (exceljs, loaded only when asked for). */
export async function ordersXlsx(
  table: { header: string[]; lines: Cell[][] },
  sheetName: string,
): Promise<ArrayBuffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName.slice(0, 31));
  sheet.addRow(table.header).font = { bold: true };
  for (const line of table.lines) sheet.addRow(line);
  sheet.getColumn(6).numFmt = '#,##0.00';
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  table.header.forEach((h, i) => {
    sheet.getColumn(i + 1).width = Math.max(10, Math.min(40, h.length * 2 + 4));
  });
  return (await book.xlsx.writeBuffer()) as ArrayBuffer;
}
