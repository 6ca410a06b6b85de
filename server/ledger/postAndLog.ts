import type { PostingRequest } from '../../shared/ledger/types.ts';
import type { Queryable } from '../db/database.ts';
import { logLedgerChange } from '../escrow/changeLog.ts';
import { postTransaction } from './postTransaction.ts';
import type { PostedTransaction } from './postTransaction.ts';

/**
 * The ledger's posting API for callers outside the escrow engine (treasury): post one balanced
 * transaction and append its change-log row in the same database transaction, so verify, sync
 * pull and the desks' replicas see it like any escrow posting. `merchantId` scopes the change
 * to that merchant's desks; platform-only postings pass null.
 */
export async function postAndLog(
  tx: Queryable,
  posting: PostingRequest,
  merchantId: string | null,
  now: number,
): Promise<PostedTransaction> {
  const posted = await postTransaction(tx, posting);
  await logLedgerChange(
    tx,
    {
      seq: posted.seq,
      txnId: posting.txnId,
      commandId: posting.commandId,
      kind: posting.kind,
      at: posting.at,
      currency: posting.currency,
      orderId: posting.orderId ?? null,
      legs: posting.legs,
      prevHash: posted.prevHash,
      hash: posted.hash,
    },
    { merchantId, buyerId: null },
    posting.commandId,
    now,
  );
  return posted;
}
