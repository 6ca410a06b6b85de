import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';

/**
 * `print.savePdf` in the desktop app: the page as the print stylesheet lays it out (the packing
 * slips, one per sheet), printed to PDF by Chromium and written where the user chooses. The
 * Electron pieces come in as these narrow interfaces, so main.ts passes the real ones and the
 * flow around them runs in plain Node tests too.
 */
export interface PdfSource {
  printToPDF(options: {
    pageSize: 'A4';
    printBackground: boolean;
    preferCSSPageSize: boolean;
  }): Promise<Uint8Array>;
}

export interface SaveDialog {
  /** Resolves with the chosen path, or null when the user cancels. */
  choosePath(defaultPath: string): Promise<string | null>;
}

export async function savePdf(
  source: PdfSource,
  dialog: SaveDialog,
  documentsDir: string,
  fileName: string,
): Promise<Result<{ path: string | null }>> {
  // Where first: a cancelled dialog costs no printing.
  const path = await dialog.choosePath(join(documentsDir, fileName));
  if (path === null) return ok({ path: null });
  const target = path.toLowerCase().endsWith('.pdf') ? path : `${path}.pdf`;
  let bytes: Uint8Array;
  try {
    bytes = await source.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
    });
  } catch (err) {
    return fail('internal', `the page could not be printed: ${(err as Error).message}`);
  }
  try {
    await writeFile(target, bytes);
  } catch (err) {
    return fail(
      'unavailable',
      `the PDF could not be written to ${target}: ${(err as Error).message}`,
    );
  }
  return ok({ path: target });
}
