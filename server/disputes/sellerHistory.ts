import { account, normalBalance } from '../../shared/ledger/accounts.ts';
import type { Queryable } from '../db/database.ts';

/** A seller's record, for judging how much to trust their side of a claim. */
export interface SellerHistory {
  merchantId: string;
  merchantName: string | null;
  orders: number;
  completedOrders: number;
  claims: number;
  claimsApproved: number;
  claimsRejected: number;
  /** Compensation paid to buyers on this seller's orders (from escrow or the fund). */
  compensationPaidFen: number;
  /** Taken back from the seller's deposit and available balance after fund payouts. */
  compensationRecoveredFen: number;
  depositFen: number;
  availableFen: number;
}

export async function readSellerHistory(db: Queryable, merchantId: string): Promise<SellerHistory> {
  const m = await db.query<{ name: string }>('SELECT name FROM merchants WHERE merchant_id = $1', [
    merchantId,
  ]);
  const o = await db.query<{ orders: number; completed: number }>(
    `SELECT count(*)::int AS orders, count(*) FILTER (WHERE status = 'completed')::int AS completed
       FROM orders WHERE merchant_id = $1`,
    [merchantId],
  );
  const c = await db.query<{ claims: number; approved: number; rejected: number; paid: number }>(
    `SELECT count(*)::int AS claims,
            count(*) FILTER (WHERE status = 'approved')::int AS approved,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
            coalesce(sum(paid_fen), 0)::bigint AS paid
       FROM dispute_cases WHERE merchant_id = $1`,
    [merchantId],
  );
  // Recovery postings credit the guarantee fund; their size is what came back from the seller.
  const rec = await db.query<{ recovered: number }>(
    `SELECT coalesce(-sum(e.amount_fen), 0)::bigint AS recovered
       FROM ledger_transactions t
       JOIN ledger_entries e ON e.txn_id = t.txn_id AND e.account = $2
       JOIN orders o ON o.order_id = t.order_id
      WHERE t.kind = 'recovery' AND o.merchant_id = $1`,
    [merchantId, account.guaranteeFund()],
  );
  const bal = async (name: string) => {
    const r = await db.query<{ balance_fen: number }>(
      'SELECT coalesce(sum(balance_fen), 0)::bigint AS balance_fen FROM account_balances WHERE account = $1',
      [name],
    );
    return normalBalance(name, Number(r.rows[0]?.balance_fen ?? 0));
  };
  return {
    merchantId,
    merchantName: m.rows[0]?.name ?? null,
    orders: Number(o.rows[0]?.orders ?? 0),
    completedOrders: Number(o.rows[0]?.completed ?? 0),
    claims: Number(c.rows[0]?.claims ?? 0),
    claimsApproved: Number(c.rows[0]?.approved ?? 0),
    claimsRejected: Number(c.rows[0]?.rejected ?? 0),
    compensationPaidFen: Number(c.rows[0]?.paid ?? 0),
    compensationRecoveredFen: Number(rec.rows[0]?.recovered ?? 0),
    depositFen: await bal(account.merchantDeposit(merchantId)),
    availableFen: await bal(account.merchantAvailable(merchantId)),
  };
}
