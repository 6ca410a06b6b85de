import { DeskError, fail, isDeskError, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import type { PostingRequest } from '../../../shared/ledger/types.ts';
import { MAX_ORDER_FEN, assertFen } from '../../../shared/money.ts';
import type { Currency } from '../../../shared/money.ts';
import type { Ledger, PostedTxn } from '../ledger/ledger.ts';
import type { Db } from '../store/openDatabase.ts';

export interface PlatformMoney {
  /** Platform cash at `bank` put into the guarantee fund. `txnId` makes a retry harmless. */
  fundGuaranteeFund(
    input: { txnId: string; bank: string; amountFen: number; currency?: Currency },
    now: number,
  ): Result<PostedTxn>;
  /** A seller's security deposit received at `bank`; compensation is recovered from it first. */
  recordMerchantDeposit(
    input: {
      txnId: string;
      merchantId: string;
      bank: string;
      amountFen: number;
      currency?: Currency;
    },
    now: number,
  ): Result<PostedTxn>;
}

/** A single platform transfer larger than this is surely a typo (a thousand maximal orders). */
const MAX_PLATFORM_TRANSFER_FEN = MAX_ORDER_FEN * 1_000;

/** Money that enters the platform outside any order: bank → guarantee fund / merchant deposit. */
export function createPlatformMoney(db: Db, ledger: Ledger): PlatformMoney {
  function transfer(
    build: () => Omit<PostingRequest, 'at'>,
    amountFen: unknown,
    now: number,
  ): Result<PostedTxn> {
    try {
      const amount = assertFen(amountFen, 'amountFen', { positive: true });
      if (amount > MAX_PLATFORM_TRANSFER_FEN) {
        throw new DeskError('amount_too_large', 'transfer exceeds the platform limit');
      }
      if (!Number.isSafeInteger(now) || now < 0) {
        throw new DeskError('invalid_input', 'now must be epoch milliseconds');
      }
      const req = { ...build(), at: now };
      return ok(db.transaction(() => ledger.postInTransaction(req)).immediate());
    } catch (err) {
      if (isDeskError(err)) return fail(err.code, err.message);
      throw err;
    }
  }

  return {
    fundGuaranteeFund(input, now) {
      return transfer(
        () => ({
          txnId: input.txnId,
          commandId: input.txnId,
          kind: 'fund_guarantee',
          currency: input.currency ?? 'CNY',
          legs: [
            { account: account.bank(input.bank), amountFen: input.amountFen },
            { account: account.guaranteeFund(), amountFen: -input.amountFen },
          ],
        }),
        input?.amountFen,
        now,
      );
    },
    recordMerchantDeposit(input, now) {
      return transfer(
        () => ({
          txnId: input.txnId,
          commandId: input.txnId,
          kind: 'merchant_deposit',
          currency: input.currency ?? 'CNY',
          legs: [
            { account: account.bank(input.bank), amountFen: input.amountFen },
            { account: account.merchantDeposit(input.merchantId), amountFen: -input.amountFen },
          ],
        }),
        input?.amountFen,
        now,
      );
    },
  };
}
