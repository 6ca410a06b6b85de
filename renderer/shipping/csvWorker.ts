import { readShipmentFile } from './readShipmentFile.ts';

/**
 * The CSV worker: decodes and parses a shipment file off the page's thread, reporting
 * progress, so a 20,000-row file never freezes the page. One message in (the file's bytes);
 * out come progress messages, the rows in slices (each slice is one short task for the page to
 * receive, where 20,000 rows in one message would be one long one), and the result.
 */
export const ROWS_PER_MESSAGE = 2000;

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ArrayBuffer>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (e) => {
  try {
    const result = readShipmentFile(new Uint8Array(e.data), (fraction) =>
      scope.postMessage({ kind: 'progress', fraction }),
    );
    if (result.ok) {
      for (let i = 0; i < result.rows.length; i += ROWS_PER_MESSAGE)
        scope.postMessage({ kind: 'rows', rows: result.rows.slice(i, i + ROWS_PER_MESSAGE) });
      scope.postMessage({ kind: 'result', result: { ...result, rows: [] } });
    } else scope.postMessage({ kind: 'result', result });
  } catch (err) {
    scope.postMessage({
      kind: 'result',
      result: {
        ok: false,
        error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
      },
    });
  }
};
