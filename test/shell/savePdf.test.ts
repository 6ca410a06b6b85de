import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { savePdf } from '../../electron/main/savePdf.ts';
import type { PdfSource, SaveDialog } from '../../electron/main/savePdf.ts';

/**
 * The desktop app's `print.savePdf` flow around Electron's printToPDF and save dialog (no
 * Electron runtime here: the two calls are stood in for; files are real). The page's print
 * layout itself is checked in Chromium by the seller desk e2e test.
 */
const dir = mkdtempSync(join(tmpdir(), 'save-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PDF = new TextEncoder().encode('%PDF-1.7\n%slips\n%%EOF\n');

function page(fails = false): PdfSource & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    printToPDF: async (options) => {
      calls.push(options);
      if (fails) throw new Error('renderer gone');
      return PDF;
    },
  };
}
const choose = (path: string | null): SaveDialog & { offered: string[] } => {
  const offered: string[] = [];
  return { offered, choosePath: async (p) => (offered.push(p), path) };
};

test('the chosen file gets the printed PDF, A4 with backgrounds, named .pdf', async () => {
  const source = page();
  const dialog = choose(join(dir, 'slips-today'));
  const r = await savePdf(source, dialog, '/home/u/Documents', '发货单 2026-11-26.pdf');
  assert.deepEqual(r, { ok: true, value: { path: join(dir, 'slips-today.pdf') } });
  assert.deepEqual(dialog.offered, [join('/home/u/Documents', '发货单 2026-11-26.pdf')]);
  assert.deepEqual(source.calls, [
    { pageSize: 'A4', printBackground: true, preferCSSPageSize: true },
  ]);
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'slips-today.pdf'))), PDF);
});

test('a cancelled dialog prints nothing and writes nothing', async () => {
  const source = page();
  const r = await savePdf(source, choose(null), dir, 'a.pdf');
  assert.deepEqual(r, { ok: true, value: { path: null } });
  assert.equal(source.calls.length, 0);
});

test('a failed print or an unwritable place is a clear error, and no file is left', async () => {
  const failed = await savePdf(page(true), choose(join(dir, 'x.pdf')), dir, 'x.pdf');
  assert.equal(!failed.ok && failed.error.code, 'internal');
  assert.equal(existsSync(join(dir, 'x.pdf')), false);
  const nowhere = join(dir, 'no', 'such', 'folder', 'y.pdf');
  const unwritable = await savePdf(page(), choose(nowhere), dir, 'y.pdf');
  assert.equal(!unwritable.ok && unwritable.error.code, 'unavailable');
  assert.equal(existsSync(nowhere), false);
});
