import type { CsvShipmentRow } from './parseShipmentCsv.ts';
import type { ShipmentFile } from './readShipmentFile.ts';
import { readShipmentFile } from './readShipmentFile.ts';

type WorkerMessage =
  | { kind: 'progress'; fraction: number }
  | { kind: 'rows'; rows: CsvShipmentRow[] }
  | { kind: 'result'; result: ShipmentFile };

/** Reads a shipment file; `onProgress` gets the parsed fraction (0..1). */
export type ShipmentFileReader = (
  bytes: Uint8Array,
  onProgress: (fraction: number) => void,
) => Promise<ShipmentFile>;

/**
 * In a browser, each file is read in a fresh Web Worker (csvWorker.ts), so parsing never
 * blocks the page. Where there are no workers (the stores' tests in Node) it runs inline.
 */
export const readShipmentFileOffThread: ShipmentFileReader = (bytes, onProgress) => {
  if (typeof Worker === 'undefined') return Promise.resolve(readShipmentFile(bytes, onProgress));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./csvWorker.ts', import.meta.url), { type: 'module' });
    const rows: CsvShipmentRow[] = [];
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.kind === 'progress') onProgress(m.fraction);
      else if (m.kind === 'rows') rows.push(...m.rows);
      else {
        worker.terminate();
        resolve(m.result.ok ? { ...m.result, rows } : m.result);
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'the CSV reader stopped'));
    };
    // The bytes move to the worker (transferred, not copied).
    const copy = bytes.slice();
    worker.postMessage(copy.buffer, [copy.buffer]);
  });
};
