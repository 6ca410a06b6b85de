import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, relative, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeFor(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request path to a file of the built renderer, for the `app://` protocol and for web
 * mode. Decoding happens once, then the result must stay inside `rootDir` (no `..`, no
 * absolute paths, no encoded separators sneaking out); anything else is null, i.e. 404.
 * Paths without an extension fall back to the entry page so client-side routes reload.
 */
export function resolveAsset(rootDir: string, pathname: string, entryPage: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const wanted = decoded === '/' || decoded === '' ? `/${entryPage}` : decoded;
  const file = normalize(join(rootDir, wanted));
  const rel = relative(rootDir, file);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) return null;
  if (existsSync(file) && statSync(file).isFile()) return file;
  if (extname(wanted) === '') {
    const entry = join(rootDir, entryPage);
    return existsSync(entry) ? entry : null;
  }
  return null;
}

/**
 * The page the desk opens: the full UI when it has been built, otherwise the shell's own
 * minimal page (sign in, orders, ship), so the shell always starts.
 */
export function pickEntryPage(rendererDir: string): string {
  return existsSync(join(rendererDir, 'index.html')) ? 'index.html' : 'shell/index.html';
}
