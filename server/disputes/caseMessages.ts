import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { Queryable } from '../db/database.ts';
import { appendAudit } from './caseAudit.ts';

/**
 * Messages from the dispute desk to one party of a case: the buyer or the seller. Unlike
 * internal notes they leave the desk — each party reads the messages addressed to it (and
 * only its own cases'); agents read both. Append-only, audited like every case action.
 */
export const PARTIES = ['buyer', 'seller'] as const;
export type Party = (typeof PARTIES)[number];

export interface CaseMessage {
  messageId: string;
  claimId: string;
  to: Party;
  authorId: string;
  body: string;
  createdAt: number;
}

interface MessageRow {
  message_id: string;
  claim_id: string;
  to_party: Party;
  author_id: string;
  body: string;
  created_at: number;
}

const fromRow = (m: MessageRow): CaseMessage => ({
  messageId: m.message_id,
  claimId: m.claim_id,
  to: m.to_party,
  authorId: m.author_id,
  body: m.body,
  createdAt: Number(m.created_at),
});

/** A case's messages, oldest first; `to` limits them to what one party may read. */
export async function readMessages(
  db: Queryable,
  claimIds: readonly string[],
  to?: Party,
): Promise<CaseMessage[]> {
  if (claimIds.length === 0) return [];
  const r = await db.query<MessageRow>(
    `SELECT * FROM case_messages WHERE claim_id = ANY($1::text[])
        AND ($2::text IS NULL OR to_party = $2) ORDER BY created_at, message_id`,
    [claimIds, to ?? null],
  );
  return r.rows.map(fromRow);
}

export async function sendMessage(
  tx: Queryable,
  c: { claimId: string; orderId: string },
  actor: Actor,
  to: Party,
  body: string,
  now: number,
): Promise<CaseMessage> {
  const message: CaseMessage = {
    messageId: uuidv7(now),
    claimId: c.claimId,
    to,
    authorId: actor.userId,
    body,
    createdAt: now,
  };
  await tx.query(
    `INSERT INTO case_messages (message_id, claim_id, to_party, author_id, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [message.messageId, c.claimId, to, actor.userId, body, now],
  );
  await appendAudit(tx, {
    claimId: c.claimId,
    orderId: c.orderId,
    actor,
    action: 'message_sent',
    before: null,
    after: { messageId: message.messageId, to, body },
    at: now,
  });
  return message;
}

/**
 * Which party of a case the caller is. Someone who is neither (another buyer, another shop)
 * is told the claim does not exist, exactly as for a claim id that was never filed.
 */
export async function partyOf(db: Queryable, claimId: string, actor: Actor): Promise<Party> {
  const r = await db.query<{ buyer_id: string; merchant_id: string }>(
    'SELECT buyer_id, merchant_id FROM dispute_cases WHERE claim_id = $1',
    [claimId],
  );
  const row = r.rows[0];
  if (row && actor.role === 'buyer' && row.buyer_id === actor.userId) return 'buyer';
  if (
    row &&
    (actor.role === 'seller_staff' || actor.role === 'seller_admin') &&
    actor.merchantId === row.merchant_id
  )
    return 'seller';
  throw new DeskError('claim_not_found', `no claim ${claimId}`);
}
