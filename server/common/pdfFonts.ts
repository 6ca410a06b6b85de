import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The fonts every PDF the server renders is set in: Noto Sans Hans (shipped by the
 * @embedpdf/fonts-sc npm package, SIL OFL), which covers simplified and traditional Chinese as
 * well as Latin; pdfkit embeds only the glyphs used, so documents stay small.
 */
const require = createRequire(import.meta.url);
export const PDF_FONT_FILE = join(
  dirname(require.resolve('@embedpdf/fonts-sc')),
  '..',
  'fonts',
  'NotoSansHans-Regular.otf',
);
export const PDF_BOLD_FONT_FILE = join(dirname(PDF_FONT_FILE), 'NotoSansHans-Bold.otf');
