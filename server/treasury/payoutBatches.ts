import { uuidv7 } from '../../shared/ids.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { Database } from '../db/database.ts';
import { batchFileChannel } from './payoutChannel.ts';
import type { PayoutChannel } from './payoutChannel.ts';
import { auditTreasury } from './treasuryAudit.ts';

export interface PayoutBatch {
  batchId: string;
  bank: string;
  itemCount: number;
  totalFen: number;
  fileName: string;
  createdAt: number;
  createdBy: string;
}

/**
 * Finance sends the requested withdrawals of one bank in a batch: each is locked (SKIP LOCKED,
 * so two finance desks never take the same one), rendered into the channel's instruction to the
 * payout account version the request was checked against, and marked `sent`. A withdrawal is
 * in one batch at most: nothing is asked of the bank twice. Returns null when none is waiting.
 */
export async function createPayoutBatch(
  db: Database,
  actor: Actor,
  bank: string,
  now: number,
  channel: PayoutChannel = batchFileChannel,
): Promise<PayoutBatch | null> {
  return db.transaction(async (tx) => {
    const r = await tx.query<{
      withdrawal_id: string;
      amount_fen: number;
      currency: string;
      account_name: string;
      bank_name: string;
      account_no: string;
    }>(
      `SELECT w.withdrawal_id, w.amount_fen, w.currency, a.account_name, a.bank_name, a.account_no
         FROM withdrawals w
         JOIN payout_accounts a ON a.merchant_id = w.merchant_id AND a.version = w.payout_account_version
        WHERE w.status = 'requested' AND w.bank = $1
        ORDER BY w.requested_at, w.withdrawal_id
        LIMIT 5000
        FOR UPDATE OF w SKIP LOCKED`,
      [bank],
    );
    if (r.rows.length === 0) return null;
    const batchId = `pb-${uuidv7(now)}`;
    const items = r.rows.map((w) => ({
      withdrawalId: w.withdrawal_id,
      amountFen: w.amount_fen,
      currency: w.currency,
      accountName: w.account_name,
      bankName: w.bank_name,
      accountNo: w.account_no,
    }));
    const file = channel.render(batchId, bank, items);
    const totalFen = items.reduce((s, i) => s + i.amountFen, 0);
    await tx.query(
      `INSERT INTO payout_batches (batch_id, bank, created_by, created_at, item_count, total_fen,
         file_name, file_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [batchId, bank, actor.userId, now, items.length, totalFen, file.fileName, file.text],
    );
    await tx.query(
      `UPDATE withdrawals SET status = 'sent', batch_id = $1, updated_at = $2
        WHERE withdrawal_id = ANY($3::text[])`,
      [batchId, now, items.map((i) => i.withdrawalId)],
    );
    await auditTreasury(tx, now, actor.userId, 'payout_batch_created', `batch:${batchId}`, {
      bank,
      itemCount: items.length,
      totalFen,
      channel: channel.name,
    });
    return {
      batchId,
      bank,
      itemCount: items.length,
      totalFen,
      fileName: file.fileName,
      createdAt: now,
      createdBy: actor.userId,
    };
  });
}

export async function readPayoutBatchFile(
  db: Database,
  batchId: string,
): Promise<{ fileName: string; text: string } | null> {
  const r = await db.query<{ file_name: string; file_text: string }>(
    'SELECT file_name, file_text FROM payout_batches WHERE batch_id = $1',
    [batchId],
  );
  const row = r.rows[0];
  return row ? { fileName: row.file_name, text: row.file_text } : null;
}
