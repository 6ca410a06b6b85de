import type { EvidenceRef } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { sha256Hex } from '../common/sha256.ts';
import { cleanText } from '../../shared/text.ts';
import { sniffType } from './sniffType.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Evidence files are stored once per content hash (bytea in the same database, so PGlite and
 * PostgreSQL behave alike and backups include them); each uploader gets their own reference
 * row, which is what lets a command cite the file.
 */
export interface EvidenceQuota {
  /** Files one user may have uploaded in all. */
  files: number;
  /** Bytes one user may have uploaded in all (distinct files, each counted once per user). */
  bytes: number;
}

export const DEFAULT_EVIDENCE_QUOTA: EvidenceQuota = { files: 500, bytes: 200 * 1024 * 1024 };

/**
 * Stores one upload. Its type is sniffed from the bytes (sniffType.ts), never the uploader's
 * claim; the name is cleaned of control characters and bad text. Per-user quotas (count and
 * bytes) are checked under a per-user advisory lock, in the caller's transaction, so two
 * uploads at once cannot both slip under the limit: `evidence_quota_exceeded` (413).
 */
export async function storeEvidence(
  db: Queryable,
  /** `mime` is what the uploader claimed; it is not trusted (the bytes decide). */
  file: { name: string; mime?: string; content: Buffer },
  userId: string,
  now: number,
  quota: EvidenceQuota = DEFAULT_EVIDENCE_QUOTA,
): Promise<EvidenceRef> {
  if (file.content.length === 0) throw new DeskError('invalid_input', 'empty file');
  const sha256 = sha256Hex(file.content);
  // eslint-disable-next-line no-control-regex
  const name = cleanText(file.name.replace(/[\u0000-\u001f\u007f]/g, ''), 200) || 'evidence';
  const mime = sniffType(file.content);
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`evidence-quota:${userId}`]);
  const used = await db.query<{ files: number | string; bytes: number | string; mine: boolean }>(
    `SELECT count(*) AS files, coalesce(sum(f.size_bytes), 0) AS bytes,
            coalesce(bool_or(u.sha256 = $2), false) AS mine
       FROM evidence_uploads u JOIN evidence_files f ON f.sha256 = u.sha256
      WHERE u.user_id = $1`,
    [userId, sha256],
  );
  const row = used.rows[0];
  if (row && !row.mine) {
    if (Number(row.files) + 1 > quota.files)
      throw new DeskError(
        'evidence_quota_exceeded',
        `at most ${quota.files} evidence files per user`,
      );
    if (Number(row.bytes) + file.content.length > quota.bytes)
      throw new DeskError(
        'evidence_quota_exceeded',
        `at most ${quota.bytes} bytes of evidence per user`,
      );
  }
  await db.query(
    `INSERT INTO evidence_files (sha256, size_bytes, content, created_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [sha256, file.content.length, file.content, now],
  );
  await db.query(
    `INSERT INTO evidence_uploads (sha256, user_id, name, mime, created_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [sha256, userId, name, mime, now],
  );
  return { sha256, name, sizeBytes: file.content.length, mime };
}

/** The caller's own uploads named by hash, as references a command can carry. */
export async function evidenceRefsOf(
  db: Queryable,
  userId: string,
  hashes: readonly string[],
): Promise<EvidenceRef[]> {
  const refs: EvidenceRef[] = [];
  for (const sha256 of hashes) {
    const r = await db.query<{ name: string; mime: string; size_bytes: number }>(
      `SELECT u.name, u.mime, f.size_bytes FROM evidence_uploads u
       JOIN evidence_files f ON f.sha256 = u.sha256 WHERE u.sha256 = $1 AND u.user_id = $2`,
      [sha256, userId],
    );
    const row = r.rows[0];
    if (!row) throw new DeskError('invalid_input', `no evidence ${sha256} uploaded by you`);
    refs.push({ sha256, name: row.name, mime: row.mime, sizeBytes: row.size_bytes });
  }
  return refs;
}

export async function readEvidence(
  db: Queryable,
  sha256: string,
): Promise<{ content: Buffer; uploaders: string[]; mime: string; name: string } | null> {
  const f = await db.query<{ content: Uint8Array }>(
    'SELECT content FROM evidence_files WHERE sha256 = $1',
    [sha256],
  );
  const row = f.rows[0];
  if (!row) return null;
  const u = await db.query<{ user_id: string; mime: string; name: string }>(
    'SELECT user_id, mime, name FROM evidence_uploads WHERE sha256 = $1 ORDER BY created_at',
    [sha256],
  );
  return {
    content: Buffer.from(row.content),
    uploaders: u.rows.map((x) => x.user_id),
    name: u.rows[0]?.name ?? 'evidence',
    mime: u.rows[0]?.mime ?? 'application/octet-stream',
  };
}
