import type { EvidenceRef } from '../../shared/escrow/types.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { sniffType } from '../evidence/sniffType.ts';

/**
 * Evidence as the case shows it: each file re-hashed from the stored bytes, so a file altered
 * in storage after it was cited is flagged instead of trusted.
 */
export interface CheckedEvidence extends EvidenceRef {
  /** The stored bytes are present. */
  stored: boolean;
  /** sha-256 and size of the stored bytes match the reference the claim cites. */
  verified: boolean;
  /** Shown inline only when it is a raster image type browsers decode safely. */
  inline: boolean;
  /** Verified bytes that are a PDF (judged from the bytes): the desk renders its pages. */
  pdf: boolean;
}

/** Raster images only: SVG can carry script, so it is always a download. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export const isInlineImage = (mime: string): boolean => INLINE_IMAGE_TYPES.has(mime.toLowerCase());

export async function readStoredFile(db: Queryable, sha256: string): Promise<Buffer | null> {
  const r = await db.query<{ content: Uint8Array }>(
    'SELECT content FROM evidence_files WHERE sha256 = $1',
    [sha256],
  );
  const row = r.rows[0];
  return row ? Buffer.from(row.content) : null;
}

export function fileMatches(ref: EvidenceRef, content: Buffer | null): boolean {
  return content !== null && content.length === ref.sizeBytes && sha256Hex(content) === ref.sha256;
}

export async function checkEvidence(
  db: Queryable,
  refs: readonly EvidenceRef[],
): Promise<CheckedEvidence[]> {
  const out: CheckedEvidence[] = [];
  for (const ref of refs) {
    const content = await readStoredFile(db, ref.sha256);
    const verified = fileMatches(ref, content);
    out.push({
      ...ref,
      stored: content !== null,
      verified,
      inline: isInlineImage(ref.mime),
      pdf: verified && content !== null && sniffType(content) === 'application/pdf',
    });
  }
  return out;
}
