import type { Actor } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { Queryable } from '../db/database.ts';
import { appendAudit } from './caseAudit.ts';

/** Internal notes: agents' working notes on a case. Never shown to sellers or buyers. */
export interface CaseNote {
  noteId: string;
  claimId: string;
  authorId: string;
  body: string;
  createdAt: number;
}

export async function readNotes(db: Queryable, claimId: string): Promise<CaseNote[]> {
  const r = await db.query<{
    note_id: string;
    claim_id: string;
    author_id: string;
    body: string;
    created_at: number;
  }>('SELECT * FROM case_notes WHERE claim_id = $1 ORDER BY created_at, note_id', [claimId]);
  return r.rows.map((n) => ({
    noteId: n.note_id,
    claimId: n.claim_id,
    authorId: n.author_id,
    body: n.body,
    createdAt: Number(n.created_at),
  }));
}

/** Adds a note and its audit entry in the caller's transaction. */
export async function addNote(
  tx: Queryable,
  c: { claimId: string; orderId: string },
  actor: Actor,
  body: string,
  now: number,
): Promise<CaseNote> {
  const note: CaseNote = {
    noteId: uuidv7(now),
    claimId: c.claimId,
    authorId: actor.userId,
    body,
    createdAt: now,
  };
  await tx.query(
    'INSERT INTO case_notes (note_id, claim_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)',
    [note.noteId, note.claimId, note.authorId, note.body, note.createdAt],
  );
  await appendAudit(tx, {
    claimId: c.claimId,
    orderId: c.orderId,
    actor,
    action: 'note_added',
    before: null,
    after: { noteId: note.noteId, body },
    at: now,
  });
  return note;
}
