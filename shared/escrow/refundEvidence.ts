import { reject } from './decision.ts';
import type { EvidenceRef } from './types.ts';

/**
 * Files on a refund: the buyer's photos of the problem when asking, the seller's evidence when
 * refusing. The type of each file is the one the server sniffed from its bytes at upload
 * (server/evidence/sniffType.ts) and checked again when the command cites it, never what the
 * uploader claimed, so a page or a script renamed `.jpg` is refused here.
 */

/** At most this many files on a refund request, and on a refusal (Taobao's after-sales limit). */
export const REFUND_FILES_MAX = 9;

/** Raster images browsers decode safely: SVG can carry script, so it is never a photo. */
export const PHOTO_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
];

/** A refusal may also carry a PDF (a courier's proof of delivery, a signed receipt). */
export const REFUSAL_EVIDENCE_TYPES: readonly string[] = [...PHOTO_TYPES, 'application/pdf'];

/** The files as the event records them, or a rejection naming the first file of a wrong type. */
export function refundFiles(
  files: readonly EvidenceRef[] | undefined,
  use: 'photos' | 'refusal',
): EvidenceRef[] {
  const allowed = use === 'photos' ? PHOTO_TYPES : REFUSAL_EVIDENCE_TYPES;
  const list = files ?? [];
  for (const f of list)
    if (!allowed.includes(f.mime.toLowerCase()))
      reject(
        use === 'photos' ? 'photo_not_image' : 'evidence_type_not_allowed',
        `${f.name} is ${f.mime}; ${use === 'photos' ? 'photos must be PNG, JPEG, GIF or WebP images' : 'refusal evidence must be an image or a PDF'}`,
      );
  if (new Set(list.map((f) => f.sha256)).size !== list.length)
    reject('invalid_input', 'the same file is attached twice');
  return list.map((f) => ({
    sha256: f.sha256,
    name: f.name,
    sizeBytes: f.sizeBytes,
    mime: f.mime,
  }));
}
