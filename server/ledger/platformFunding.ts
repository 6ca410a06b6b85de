import { isCommandId } from '../../shared/ledger/commandIds.ts';
import { DeskError } from '../../shared/errors.ts';
import { account } from '../../shared/ledger/accounts.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import { assertFen } from '../../shared/money.ts';
import type { Currency } from '../../shared/money.ts';
import type { Database } from '../db/database.ts';
import { logLedgerChange } from '../escrow/changeLog.ts';
import { postTransaction } from './postTransaction.ts';

export interface FundingRequest {
  /** Idempotency key: posting the same id twice posts once. */
  fundingId: string;
  amountFen: number;
  /** The partner bank where the cash arrived, e.g. "icbc". */
  bank: string;
  currency?: Currency;
  at: number;
}

/**
 * Platform cash put into the guarantee fund: the bank account (asset) rises, and so does the
 * fund (earmarked for compensation). Administrative, not an escrow command: it runs from the
 * CLI (`server/admin/cli.ts`) or the demo loader, never from a public route.
 */
export function fundGuaranteeFund(db: Database, req: FundingRequest): Promise<boolean> {
  return postFunding(db, req, 'fund_guarantee', account.guaranteeFund(), null);
}

/** A seller's security deposit wired to the platform, later used to recover compensation. */
export function recordMerchantDeposit(
  db: Database,
  req: FundingRequest & { merchantId: string },
): Promise<boolean> {
  return postFunding(
    db,
    req,
    'merchant_deposit',
    account.merchantDeposit(req.merchantId),
    req.merchantId,
  );
}

async function postFunding(
  db: Database,
  req: FundingRequest,
  kind: 'fund_guarantee' | 'merchant_deposit',
  creditAccount: string,
  merchantId: string | null,
): Promise<boolean> {
  const amountFen = assertFen(req.amountFen, 'amountFen', { positive: true });
  if (!isCommandId(req.fundingId)) throw new DeskError('invalid_input', 'bad funding id');
  return db.transaction(async (tx) => {
    if (merchantId !== null) {
      const m = await tx.query('SELECT 1 FROM merchants WHERE merchant_id = $1', [merchantId]);
      if (m.rowCount === 0) throw new DeskError('invalid_input', `unknown merchant ${merchantId}`);
    }
    const seen = await tx.query('SELECT 1 FROM ledger_transactions WHERE txn_id = $1', [
      req.fundingId,
    ]);
    if (seen.rowCount > 0) return false;
    const posting: PostingRequest = {
      txnId: req.fundingId,
      commandId: req.fundingId,
      kind,
      at: req.at,
      currency: req.currency ?? 'CNY',
      legs: [
        { account: account.bank(req.bank), amountFen },
        { account: creditAccount, amountFen: -amountFen },
      ],
    };
    const posted = await postTransaction(tx, posting);
    await logLedgerChange(
      tx,
      { ...posting, seq: posted.seq, orderId: null, prevHash: posted.prevHash, hash: posted.hash },
      { merchantId, buyerId: null },
      req.fundingId,
      req.at,
    );
    return true;
  });
}
