import { uuidv7 } from '../../shared/ids.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { account } from '../../shared/ledger/accounts.ts';
import { withdrawalTxnId } from '../../shared/ledger/withdrawalTxnIds.ts';
import type { Database, Queryable } from '../db/database.ts';
import { postAndLog } from '../ledger/postAndLog.ts';
import { activePayoutAccount } from './payoutAccounts.ts';
import { auditTreasury } from './treasuryAudit.ts';
import { cstDayStart } from './treasuryPolicy.ts';
import type { TreasuryPolicy } from './treasuryPolicy.ts';
import { shardOf } from '../../shared/ledger/shards.ts';

export type WithdrawalStatus = 'requested' | 'sent' | 'paid' | 'failed';

export interface Withdrawal {
  withdrawalId: string;
  merchantId: string;
  requestKey: string;
  currency: string;
  amountFen: number;
  bank: string;
  status: WithdrawalStatus;
  requestedBy: string;
  requestedAt: number;
  batchId: string | null;
  bankRef: string | null;
  /** The bank's reason, shown to the seller, when the payout failed. */
  failureReason: string | null;
  settledAt: number | null;
  updatedAt: number;
}

export interface WithdrawalRow {
  withdrawal_id: string;
  merchant_id: string;
  request_key: string;
  currency: string;
  amount_fen: number;
  bank: string;
  payout_account_version: number;
  status: WithdrawalStatus;
  requested_by: string;
  requested_at: number;
  batch_id: string | null;
  bank_ref: string | null;
  failure_reason: string | null;
  settled_at: number | null;
  updated_at: number;
}

export function toWithdrawal(r: WithdrawalRow): Withdrawal {
  return {
    withdrawalId: r.withdrawal_id,
    merchantId: r.merchant_id,
    requestKey: r.request_key,
    currency: r.currency,
    amountFen: r.amount_fen,
    bank: r.bank,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    batchId: r.batch_id,
    bankRef: r.bank_ref,
    failureReason: r.failure_reason,
    settledAt: r.settled_at,
    updatedAt: r.updated_at,
  };
}

export interface WithdrawalRequest {
  /** The desk's idempotency key (its outbox mutation id): the same key asks once. */
  requestKey: string;
  amountFen: number;
}

/**
 * A seller_admin withdraws available balance: in one database transaction the request is
 * checked (minimum, daily amount and count, an active payout account) and `merchant available
 * → payout pending` is posted, so the money is reserved at once. The ledger's floor on
 * `merchant:<id>:available` refuses an amount the merchant does not have (`insufficient_funds`),
 * whatever else moves that balance at the same moment (a fraud recovery takes the chain-head lock
 * too, so the two post one after the other against fresh balances). The same request key again
 * returns the first withdrawal; the same key with another amount is `idempotency_conflict`.
 */
export async function requestWithdrawal(
  db: Database,
  actor: Actor,
  req: WithdrawalRequest,
  now: number,
  policy: TreasuryPolicy,
): Promise<{ withdrawal: Withdrawal; replayed: boolean }> {
  if (actor.role !== 'seller_admin' || !actor.merchantId)
    throw new DeskError('forbidden', 'only a seller admin may withdraw');
  const merchantId = actor.merchantId;
  return db.transaction(async (tx) => {
    // Limits are per merchant per day: requests of one merchant decide one after the other.
    await tx.query('SELECT 1 FROM merchants WHERE merchant_id = $1 FOR UPDATE', [merchantId]);
    const seen = await tx.query<WithdrawalRow>(
      'SELECT * FROM withdrawals WHERE merchant_id = $1 AND request_key = $2',
      [merchantId, req.requestKey],
    );
    const prior = seen.rows[0];
    if (prior) {
      if (prior.amount_fen !== req.amountFen)
        throw new DeskError('idempotency_conflict', 'this request key asked for another amount');
      return { withdrawal: toWithdrawal(prior), replayed: true };
    }
    if (req.amountFen < policy.minWithdrawalFen)
      throw new DeskError(
        'withdrawal_below_minimum',
        `the smallest withdrawal is ${policy.minWithdrawalFen} fen`,
      );
    const payoutAccount = await activePayoutAccount(tx, merchantId, now);
    if (!payoutAccount) {
      const any = await tx.query('SELECT 1 FROM payout_accounts WHERE merchant_id = $1', [
        merchantId,
      ]);
      throw new DeskError(
        'payout_account_required',
        any.rowCount > 0
          ? 'the payout account is still in its cooling-off period'
          : 'enter a payout account first',
      );
    }
    const day = await tx.query<{ n: number; fen: number }>(
      `SELECT count(*)::bigint AS n, coalesce(sum(amount_fen), 0)::bigint AS fen FROM withdrawals
        WHERE merchant_id = $1 AND requested_at >= $2 AND status <> 'failed'`,
      [merchantId, cstDayStart(now)],
    );
    const today = day.rows[0] ?? { n: 0, fen: 0 };
    if (Number(today.n) >= policy.dailyCount)
      throw new DeskError(
        'withdrawal_limit_exceeded',
        `at most ${policy.dailyCount} withdrawals a day`,
      );
    if (Number(today.fen) + req.amountFen > policy.dailyLimitFen)
      throw new DeskError(
        'withdrawal_limit_exceeded',
        `today's withdrawals would exceed ${policy.dailyLimitFen} fen (already ${today.fen})`,
      );

    const withdrawalId = `wd-${uuidv7(now)}`;
    const reserveTxn = withdrawalTxnId(withdrawalId, 'reserve');
    await postAndLog(
      tx,
      {
        txnId: reserveTxn,
        shard: shardOf(merchantId),
        commandId: reserveTxn,
        kind: 'withdrawal',
        at: now,
        currency: 'CNY',
        legs: [
          { account: account.merchantAvailable(merchantId), amountFen: req.amountFen },
          { account: account.payoutPending(merchantId), amountFen: -req.amountFen },
        ],
      },
      merchantId,
      now,
    );
    const row = await tx.query<WithdrawalRow>(
      `INSERT INTO withdrawals (withdrawal_id, merchant_id, request_key, currency, amount_fen, bank,
         payout_account_version, status, requested_by, requested_at, updated_at)
       VALUES ($1, $2, $3, 'CNY', $4, $5, $6, 'requested', $7, $8, $8) RETURNING *`,
      [
        withdrawalId,
        merchantId,
        req.requestKey,
        req.amountFen,
        policy.payoutBank,
        payoutAccount.version,
        actor.userId,
        now,
      ],
    );
    await auditTreasury(
      tx,
      now,
      actor.userId,
      'withdrawal_requested',
      `withdrawal:${withdrawalId}`,
      {
        merchantId,
        amountFen: req.amountFen,
        payoutAccountVersion: payoutAccount.version,
      },
    );
    const created = row.rows[0];
    if (!created) throw new DeskError('internal', 'withdrawal row missing');
    return { withdrawal: toWithdrawal(created), replayed: false };
  });
}

/** A merchant's withdrawals (seller roles), or every merchant's (finance), newest first. */
export async function listWithdrawals(
  db: Queryable,
  filter: { merchantId?: string; status?: WithdrawalStatus; limit?: number },
): Promise<Withdrawal[]> {
  const r = await db.query<WithdrawalRow>(
    `SELECT * FROM withdrawals
      WHERE ($1::text IS NULL OR merchant_id = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY requested_at DESC, withdrawal_id DESC LIMIT $3`,
    [filter.merchantId ?? null, filter.status ?? null, filter.limit ?? 200],
  );
  return r.rows.map(toWithdrawal);
}
