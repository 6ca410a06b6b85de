import type { EvidenceRef } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Evidence files are stored once per content hash (bytea in the same database, so PGlite and
 * PostgreSQL behave alike and backups include them); each uploader gets their own reference
 * row, which is what lets a command cite the file.
 */
export async function storeEvidence(
  db: Queryable,
  file: { name: string; mime: string; content: Buffer },
  userId: string,
  now: number,
): Promise<EvidenceRef> {
  if (file.content.length === 0) throw new DeskError('invalid_input', 'empty file');
  const sha256 = sha256Hex(file.content);
  const name = file.name.slice(0, 200) || 'evidence';
  const mime = /^[\w.+-]+\/[\w.+-]+$/.test(file.mime) ? file.mime : 'application/octet-stream';
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
): Promise<{ content: Buffer; uploaders: string[]; mime: string } | null> {
  const f = await db.query<{ content: Uint8Array }>(
    'SELECT content FROM evidence_files WHERE sha256 = $1',
    [sha256],
  );
  const row = f.rows[0];
  if (!row) return null;
  const u = await db.query<{ user_id: string; mime: string }>(
    'SELECT user_id, mime FROM evidence_uploads WHERE sha256 = $1',
    [sha256],
  );
  return {
    content: Buffer.from(row.content),
    uploaders: u.rows.map((x) => x.user_id),
    mime: u.rows[0]?.mime ?? 'application/octet-stream',
  };
}
