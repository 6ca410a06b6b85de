/**
 * Reads the shipment CSV a seller exports from their warehouse system: order id, carrier,
 * tracking number, one row per line, optional header, quoted fields allowed. This only splits
 * text into fields; whether a row can be shipped is the core's answer (`shipments.check`).
 */
export interface CsvShipmentRow {
  /** 1-based line number in the file, as people count lines. */
  line: number;
  orderId: string;
  carrier: string;
  trackingNo: string;
  /** True when the line lacks one of the three fields. */
  incomplete: boolean;
}

export const MAX_CSV_ROWS = 1000;

/** RFC 4180 fields of one line: commas (or tabs, from spreadsheets) separate, quotes escape. */
export function splitCsvLine(line: string): string[] {
  const sep = !line.includes(',') && line.includes('\t') ? '\t' : ',';
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === sep) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

const HEADER_WORDS = /order|订单|訂單|carrier|物流|tracking|运单|單號/i;

export function parseShipmentCsv(text: string): CsvShipmentRow[] {
  const rows: CsvShipmentRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const [orderId = '', carrier = '', trackingNo = ''] = splitCsvLine(raw);
    if (i === 0 && HEADER_WORDS.test(orderId)) return;
    rows.push({
      line: i + 1,
      orderId,
      carrier,
      trackingNo,
      incomplete: orderId === '' || carrier === '' || trackingNo === '',
    });
  });
  return rows;
}
