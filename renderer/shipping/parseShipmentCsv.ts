import Papa from 'papaparse';
import { carrierFromName } from './carrierNames.ts';

/**
 * Reads the shipment CSV a seller exports from a warehouse system or a spreadsheet: order id,
 * carrier, tracking number, one record per row, optional header (which may put the columns in
 * another order). Papa Parse splits it (quoted fields may hold commas, quotes and line breaks);
 * the delimiter is the one that splits the whole file most consistently. Carriers are resolved
 * from codes or names (carrierNames.ts). Whether a row can be shipped is the core's answer
 * (`shipments.check`).
 */
export interface CsvShipmentRow {
  /** 1-based line of the file where the record starts, as people count lines. */
  line: number;
  orderId: string;
  /** The carrier code when the cell names a carrier, else the cell as written. */
  carrier: string;
  /** The cell as written, when it named a carrier by name (shown next to the code). */
  carrierText: string;
  trackingNo: string;
  /** True when the record lacks one of the three fields. */
  incomplete: boolean;
}

/** A batch takes this many rows; more is refused before anything is checked. */
export const MAX_CSV_ROWS = 20_000;

const DELIMITERS = [',', '\t', ';', '|'] as const;

const HEADER = {
  orderId: /order|订单|訂單/i,
  carrier: /carrier|物流|快递|快遞|courier/i,
  trackingNo: /tracking|waybill|运单|運單|单号|單號|面单/i,
};

/**
 * How well a delimiter splits the text: the number of records with the field count most
 * records have (at least three fields), over the whole file, not only its first lines.
 */
function score(text: string, delimiter: string): number {
  const counts = new Map<number, number>();
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: 'greedy',
    step: (r) => {
      const n = r.data.length;
      if (n >= 3) counts.set(n, (counts.get(n) ?? 0) + 1);
    },
  });
  return Math.max(0, ...counts.values());
}

export function detectDelimiter(text: string): string {
  let best: string = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    if (!text.includes(d)) continue;
    const s = score(text, d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  return best;
}

export interface ParseProgress {
  (fraction: number): void;
}

export function parseShipmentCsv(
  input: string,
  onProgress?: ParseProgress,
): { rows: CsvShipmentRow[]; delimiter: string } {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  const rows: CsvShipmentRow[] = [];
  let columns = { orderId: 0, carrier: 1, trackingNo: 2 };
  let first = true;
  // Line numbers: newlines before each record's start, counted once over the text.
  let counted = 0;
  let line = 1;
  let recordStart = 0;
  let nextReport = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    step: (r) => {
      const end = r.meta.cursor;
      // The record began where the previous one ended (Papa's cursor is past its line break).
      for (; counted < recordStart; counted++) if (text.charCodeAt(counted) === 10) line++;
      const startLine = line;
      recordStart = end;
      const cells = r.data.map((c) => c.trim());
      if (onProgress && end >= nextReport) {
        onProgress(end / Math.max(1, text.length));
        nextReport = end + text.length / 50;
      }
      if (cells.every((c) => c === '')) return;
      if (first) {
        first = false;
        // Each header cell names one column, tested in this order (订单号 also ends in 单号).
        const role = (c: string) =>
          HEADER.orderId.test(c)
            ? 'orderId'
            : HEADER.carrier.test(c)
              ? 'carrier'
              : HEADER.trackingNo.test(c)
                ? 'trackingNo'
                : null;
        const roles = cells.map(role);
        const named = {
          orderId: roles.indexOf('orderId'),
          carrier: roles.indexOf('carrier'),
          trackingNo: roles.indexOf('trackingNo'),
        };
        if (named.orderId >= 0 || named.carrier >= 0 || named.trackingNo >= 0) {
          if (named.orderId >= 0 && named.carrier >= 0 && named.trackingNo >= 0) columns = named;
          return;
        }
      }
      const orderId = cells[columns.orderId] ?? '';
      const carrierText = cells[columns.carrier] ?? '';
      const trackingNo = cells[columns.trackingNo] ?? '';
      rows.push({
        line: startLine,
        orderId,
        carrier: carrierFromName(carrierText) ?? carrierText,
        carrierText,
        trackingNo,
        incomplete: orderId === '' || carrierText === '' || trackingNo === '',
      });
    },
  });
  onProgress?.(1);
  return { rows, delimiter };
}
