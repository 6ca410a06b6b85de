import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Reads a PDF the way a viewer does (Mozilla's PDF.js): the text of every page, as mapped back
 * to Unicode through the embedded fonts. Text that renders as boxes or is missing from the font
 * does not come back as the characters that were written.
 */
export async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(bytes) }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    text += content.items.map((it) => ('str' in it ? it.str : '')).join('\n');
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text };
}

/** Renders the first page to a PNG for people to look at (test-results/ is git-ignored). */
export async function renderFirstPage(bytes: Buffer, file: string): Promise<void> {
  const doc = await getDocument({ data: new Uint8Array(bytes) }).promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale: 1.5 });
  const canvas = createCanvas(viewport.width, viewport.height);
  await page.render({
    canvas: canvas as unknown as HTMLCanvasElement,
    canvasContext: canvas.getContext('2d') as unknown as CanvasRenderingContext2D,
    viewport,
  }).promise;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, canvas.toBuffer('image/png'));
  await doc.destroy();
}
