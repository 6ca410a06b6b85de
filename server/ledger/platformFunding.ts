import { isCommandId } from '../../shared/ledger/commandIds.ts';
import { DeskError } from '../../shared/errors.ts';
import { account } from '../../shared/ledger/accounts.ts';
import { SHARDS, isShard, shardOf } from '../../shared/ledger/shards.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import { assertFen } from '../../shared/money.ts';
import type { Currency } from '../../shared/money.ts';
import type { Database, Queryable } from '../db/database.ts';
import { postAndLog } from './postAndLog.ts';

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
 *
 * The fund is a sub-account per shard (docs/partitioning.md), each drawn by its own shard's
 * compensations. With `shard` the whole amount tops up that shard; without, it is spread over
 * every shard (the remainder fen to the lowest shards). Either way each shard's part is its own
 * balanced transaction `<fundingId>:p<shard>` in that shard's chain, never one transaction
 * spanning shards; all parts commit together.
 */
export function fundGuaranteeFund(
  db: Database,
  req: FundingRequest & { shard?: number },
): Promise<boolean> {
  const amountFen = assertFen(req.amountFen, 'amountFen', { positive: true });
  if (req.shard !== undefined && !isShard(req.shard))
    throw new DeskError('invalid_input', 'no such shard');
  const shards = req.shard === undefined ? SHARDS : [req.shard];
  const share = Math.floor(amountFen / shards.length);
  const extra = amountFen - share * shards.length;
  const parts = shards
    .map((shard, i) => ({ shard, amountFen: share + (i < extra ? 1 : 0) }))
    .filter((p) => p.amountFen > 0);
  return postFunding(db, req, 'fund_guarantee', () => account.guaranteeFund(), null, parts);
}

/** A seller's security deposit wired to the platform, later used to recover compensation. */
export function recordMerchantDeposit(
  db: Database,
  req: FundingRequest & { merchantId: string },
): Promise<boolean> {
  const amountFen = assertFen(req.amountFen, 'amountFen', { positive: true });
  return postFunding(
    db,
    req,
    'merchant_deposit',
    () => account.merchantDeposit(req.merchantId),
    req.merchantId,
    [{ shard: shardOf(req.merchantId), amountFen }],
  );
}

/** The txn id of one shard's part of a funding. */
export const fundingTxnId = (fundingId: string, shard: number) => `${fundingId}:p${shard}`;

async function postFunding(
  db: Database,
  req: FundingRequest,
  kind: 'fund_guarantee' | 'merchant_deposit',
  creditAccount: () => string,
  merchantId: string | null,
  parts: Array<{ shard: number; amountFen: number }>,
): Promise<boolean> {
  if (!isCommandId(req.fundingId) || req.fundingId.length > 90)
    throw new DeskError('invalid_input', 'bad funding id');
  return db.transaction(async (tx) => {
    if (merchantId !== null) {
      const m = await tx.query('SELECT 1 FROM merchants WHERE merchant_id = $1', [merchantId]);
      if (m.rowCount === 0) throw new DeskError('invalid_input', `unknown merchant ${merchantId}`);
    }
    if (await fundingSeen(tx, req.fundingId)) return false;
    for (const part of parts) {
      const txnId = fundingTxnId(req.fundingId, part.shard);
      const posting: PostingRequest = {
        txnId,
        shard: part.shard,
        commandId: req.fundingId,
        kind,
        at: req.at,
        currency: req.currency ?? 'CNY',
        legs: [
          { account: account.bank(req.bank), amountFen: part.amountFen },
          { account: creditAccount(), amountFen: -part.amountFen },
        ],
      };
      await postAndLog(tx, posting, merchantId, req.at, { commandId: req.fundingId });
    }
    return true;
  });
}

/** A funding id is used once, whatever shards its parts went to. */
async function fundingSeen(tx: Queryable, fundingId: string): Promise<boolean> {
  const seen = await tx.query('SELECT 1 FROM ledger_transactions WHERE command_id = $1 LIMIT 1', [
    fundingId,
  ]);
  return seen.rowCount > 0;
}
