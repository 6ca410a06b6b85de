import { CsvRefusal, decodeCsvBytes } from './decodeCsvBytes.ts';
import type { CsvEncoding } from './decodeCsvBytes.ts';
import { MAX_CSV_ROWS, parseShipmentCsv } from './parseShipmentCsv.ts';
import type { CsvShipmentRow } from './parseShipmentCsv.ts';

export type ShipmentFile =
  | { ok: true; encoding: CsvEncoding; delimiter: string; rows: CsvShipmentRow[] }
  | { ok: false; error: { code: CsvRefusal['code']; message: string } };

/**
 * A shipment CSV from its bytes to rows, or the reason it cannot be read: not text, no rows,
 * more rows than a batch takes. Runs in the CSV worker (csvWorker.ts) so a large file never
 * blocks the page; `onProgress` gets the parsed fraction.
 */
export function readShipmentFile(
  bytes: Uint8Array,
  onProgress?: (fraction: number) => void,
): ShipmentFile {
  try {
    const { text, encoding } = decodeCsvBytes(bytes);
    const { rows, delimiter } = parseShipmentCsv(text, onProgress);
    if (rows.length === 0) throw new CsvRefusal('csv_no_rows', 'the file has no data rows');
    if (rows.length > MAX_CSV_ROWS)
      throw new CsvRefusal(
        'csv_too_many_rows',
        `${rows.length} rows; a batch takes at most ${MAX_CSV_ROWS}`,
      );
    return { ok: true, encoding, delimiter, rows };
  } catch (err) {
    if (err instanceof CsvRefusal)
      return { ok: false, error: { code: err.code, message: err.message } };
    throw err;
  }
}
