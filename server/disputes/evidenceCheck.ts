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

/**
 * Re-checks every file of a list in one statement. PostgreSQL hashes the stored bytes itself
 * (sha256(), as the upload did in Node), so a case page with 20 photos moves 20 hashes and
 * file heads over the wire, not 20 files.
 */
export async function checkEvidence(
  db: Queryable,
  refs: readonly EvidenceRef[],
): Promise<CheckedEvidence[]> {
  if (refs.length === 0) return [];
  const r = await db.query<{ sha256: string; actual: string; size: number; head: Uint8Array }>(
    `SELECT sha256, encode(sha256(content), 'hex') AS actual, octet_length(content) AS size,
            substring(content FROM 1 FOR 16) AS head
       FROM evidence_files WHERE sha256 = ANY($1::text[])`,
    [refs.map((ref) => ref.sha256)],
  );
  const stored = new Map(r.rows.map((row) => [row.sha256, row]));
  return refs.map((ref) => {
    const row = stored.get(ref.sha256);
    const verified =
      row !== undefined && row.actual === ref.sha256 && Number(row.size) === ref.sizeBytes;
    return {
      ...ref,
      stored: row !== undefined,
      verified,
      inline: isInlineImage(ref.mime),
      pdf: verified && sniffType(row.head) === 'application/pdf',
    };
  });
}
