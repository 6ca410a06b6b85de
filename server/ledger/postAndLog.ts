import type { PostingRequest } from '../../shared/ledger/types.ts';
import type { Queryable } from '../db/database.ts';
import { logLedgerChange } from '../escrow/changeLog.ts';
import { journalRow } from './journalBatch.ts';
import { postTransaction } from './postTransaction.ts';
import type { PostedTransaction } from './postTransaction.ts';

/**
 * The ledger's one posting API, for the escrow engine and the treasury alike: post one balanced
 * transaction and append its change-log row in the same database transaction, so verify, sync
 * pull and the desks' replicas see every posting the same way. `merchantId` scopes the change
 * to that merchant's desks (null: platform only); `buyerId` to the buyer's, for an order's
 * postings; `commandId` names the command that caused it (the posting's own by default).
 */
export async function postAndLog(
  tx: Queryable,
  posting: PostingRequest,
  merchantId: string | null,
  now: number,
  cause: { buyerId?: string | null; commandId?: string } = {},
): Promise<PostedTransaction> {
  const posted = await postTransaction(tx, posting);
  await logLedgerChange(
    tx,
    journalRow(posting, posted),
    { merchantId, buyerId: cause.buyerId ?? null },
    cause.commandId ?? posting.commandId,
    now,
  );
  return posted;
}
