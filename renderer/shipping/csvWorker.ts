import { readShipmentFile } from './readShipmentFile.ts';

/**
 * The CSV worker: decodes and parses a shipment file off the page's thread, reporting
 * progress, so a 20,000-row file never freezes the page. One message in (the file's bytes),
 * progress messages and one result out.
 */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ArrayBuffer>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (e) => {
  try {
    const result = readShipmentFile(new Uint8Array(e.data), (fraction) =>
      scope.postMessage({ kind: 'progress', fraction }),
    );
    scope.postMessage({ kind: 'result', result });
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
