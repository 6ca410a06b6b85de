import type { PostingRequest } from '../../shared/ledger/types.ts';
import type { Queryable } from '../db/database.ts';
import { JournalBatch } from './journalBatch.ts';
import type { PostedTransaction } from './journalBatch.ts';

export type { PostedTransaction } from './journalBatch.ts';

/**
 * Appends one balanced transaction to the journal inside the caller's database transaction: a
 * journal batch of one (journalBatch.ts), so the treasury's postings and the escrow engine's
 * batches share one implementation of chaining, floors (with precise codes) and guard rows.
 * Lock order is always the chain head, then balance rows sorted by account name.
 */
export async function postTransaction(
  tx: Queryable,
  req: PostingRequest,
): Promise<PostedTransaction> {
  const journal = new JournalBatch(tx);
  const posted = await journal.post(req);
  await journal.flush();
  return posted;
}
