import type { DeskApi } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';

/**
 * Prints the page as one job: the desktop app writes a PDF through Electron's printToPDF
 * (`print.savePdf`, which honours the sheets' CSS page size: A4 slips, 100 × 180 mm labels);
 * web mode answers `unsupported` and the browser's print dialog opens instead. Resolves with
 * the saved path, null when nothing was saved (dialog, or cancelled), or the error.
 */
export async function printPage(
  desk: DeskApi,
  fileName: string,
): Promise<{ path: string } | { error: ErrorInfo } | null> {
  const r = await desk.print.savePdf({ fileName });
  if (r.ok) return r.value.path ? { path: r.value.path } : null;
  if (r.error.code === 'unsupported') {
    window.print();
    return null;
  }
  return { error: r.error };
}
