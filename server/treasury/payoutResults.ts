import { DeskError } from '../../shared/errors.ts';
import { account } from '../../shared/ledger/accounts.ts';
import { withdrawalTxnId } from '../../shared/ledger/withdrawalTxnIds.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Database } from '../db/database.ts';
import { postAndLog } from '../ledger/postAndLog.ts';
import { auditTreasury } from './treasuryAudit.ts';
import { toWithdrawal } from './withdrawals.ts';
import type { Withdrawal, WithdrawalRow } from './withdrawals.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import { derivedCommandId } from '../common/derivedCommandId.ts';

/** A bank's signed answer about one payout (same HMAC scheme and key ids as payments). */
export interface PayoutResult {
  resultId: string;
  bank: string;
  withdrawalId: string;
  outcome: 'paid' | 'failed';
  bankRef: string;
  currency: 'CNY';
  amountFen: number;
  /** The bank's reason for a failure, shown to the seller. */
  reason?: string;
}

export interface PayoutResultOutcome {
  /** The same result (same id, same body) was received before: nothing happened again. */
  duplicate: boolean;
  /** False when the withdrawal was already settled by an earlier result agreeing with this one. */
  applied: boolean;
  withdrawal: Withdrawal;
}

/**
 * Applies a verified payout result in one database transaction:
 * - paid: `payout pending → platform:bank` (the money left the platform's account);
 * - failed: `payout pending → merchant available`, with the bank's reason kept for the seller.
 * The result id is recorded first: a repeat is a replay (`duplicate`), the same id with another
 * body `idempotency_conflict`. The withdrawal row is locked, so results that race are applied
 * one after the other, and the ledger's `withdrawal_settlements` guard makes a second settlement
 * impossible even past this code. A later result agreeing with the settled outcome (a bank
 * re-sending under a new id) is recorded and ignored; one contradicting it is refused with
 * `withdrawal_already_settled` and left for reconciliation, which will see the statement line.
 * A result for a payout that was never sent is `invalid_state` (the bank may deliver it again).
 */
export async function receivePayoutResult(
  db: Database,
  result: PayoutResult,
  rawBody: string,
  now: number,
): Promise<PayoutResultOutcome> {
  const bodySha = sha256Hex(rawBody);
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO payout_results (bank, result_id, body_sha256, withdrawal_id, outcome, applied,
         received_at) VALUES ($1, $2, $3, $4, $5, false, $6) ON CONFLICT DO NOTHING`,
      [result.bank, result.resultId, bodySha, result.withdrawalId, result.outcome, now],
    );
    const locked = await tx.query<WithdrawalRow>(
      'SELECT * FROM withdrawals WHERE withdrawal_id = $1 AND bank = $2 FOR UPDATE',
      [result.withdrawalId, result.bank],
    );
    const w = locked.rows[0];
    if (inserted.rowCount === 0) {
      const prior = await tx.query<{ body_sha256: string }>(
        'SELECT body_sha256 FROM payout_results WHERE bank = $1 AND result_id = $2',
        [result.bank, result.resultId],
      );
      if (prior.rows[0]?.body_sha256 !== bodySha)
        throw new DeskError('idempotency_conflict', 'this result id came before with another body');
      if (!w) throw new DeskError('withdrawal_not_found', 'no such withdrawal at this bank');
      return { duplicate: true, applied: false, withdrawal: toWithdrawal(w) };
    }
    if (!w) throw new DeskError('withdrawal_not_found', 'no such withdrawal at this bank');
    if (w.amount_fen !== result.amountFen || w.currency !== result.currency)
      throw new DeskError('amount_mismatch', 'the result is for another amount than was sent');
    if (w.status === 'requested')
      throw new DeskError('invalid_state', 'this withdrawal has not been sent to the bank yet');
    if (w.status === 'paid' || w.status === 'failed') {
      if (w.status !== result.outcome)
        throw new DeskError(
          'withdrawal_already_settled',
          `the withdrawal is already ${w.status}; this ${result.outcome} result is left for reconciliation`,
        );
      await auditTreasury(
        tx,
        now,
        `bank:${result.bank}`,
        'payout_result_ignored',
        `withdrawal:${w.withdrawal_id}`,
        {
          resultId: result.resultId,
          outcome: result.outcome,
        },
      );
      return { duplicate: false, applied: false, withdrawal: toWithdrawal(w) };
    }

    const merchantId = w.merchant_id;
    const pending = account.payoutPending(merchantId);
    const step = result.outcome === 'paid' ? 'paid' : 'returned';
    const txnId = withdrawalTxnId(w.withdrawal_id, step);
    await postAndLog(
      tx,
      {
        txnId,
        shard: shardOf(merchantId),
        commandId: derivedCommandId('bank', result.bank, 'payout', result.resultId),
        kind: result.outcome === 'paid' ? 'payout' : 'payout_returned',
        at: now,
        currency: 'CNY',
        settlesWithdrawal: w.withdrawal_id,
        legs: [
          { account: pending, amountFen: w.amount_fen },
          {
            account:
              result.outcome === 'paid'
                ? account.bank(result.bank)
                : account.merchantAvailable(merchantId),
            amountFen: -w.amount_fen,
          },
        ],
      },
      merchantId,
      now,
    );
    const updated = await tx.query<WithdrawalRow>(
      `UPDATE withdrawals SET status = $2, bank_ref = $3, failure_reason = $4, settled_at = $5,
         updated_at = $5 WHERE withdrawal_id = $1 RETURNING *`,
      [
        w.withdrawal_id,
        result.outcome,
        result.bankRef,
        result.outcome === 'failed' ? (result.reason ?? '') : null,
        now,
      ],
    );
    await tx.query('UPDATE payout_results SET applied = true WHERE bank = $1 AND result_id = $2', [
      result.bank,
      result.resultId,
    ]);
    await auditTreasury(
      tx,
      now,
      `bank:${result.bank}`,
      'payout_result_applied',
      `withdrawal:${w.withdrawal_id}`,
      {
        resultId: result.resultId,
        outcome: result.outcome,
        bankRef: result.bankRef,
        txnId,
      },
    );
    const row = updated.rows[0];
    if (!row) throw new DeskError('internal', 'withdrawal row missing');
    return { duplicate: false, applied: true, withdrawal: toWithdrawal(row) };
  });
}
