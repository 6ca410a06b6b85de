import { formatFen } from '../../shared/money.ts';

/** One payout as the bank is asked to make it. */
export interface PayoutInstruction {
  withdrawalId: string;
  amountFen: number;
  currency: string;
  accountName: string;
  bankName: string;
  accountNo: string;
}

/**
 * How payout instructions reach the bank. The partner bank of the seed takes a batch file
 * uploaded through its corporate portal; an API channel would implement the same interface
 * and send instead of render. Results come back as signed notifications either way.
 */
export interface PayoutChannel {
  readonly name: string;
  render(
    batchId: string,
    bank: string,
    items: readonly PayoutInstruction[],
  ): {
    fileName: string;
    text: string;
  };
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A CSV batch file (UTF-8 with BOM, as Chinese banks' portals expect), one payout a line. */
export const batchFileChannel: PayoutChannel = {
  name: 'batch_file',
  render(batchId, bank, items) {
    const header = [
      'withdrawal_id',
      'amount',
      'currency',
      'account_name',
      'bank_name',
      'account_no',
    ];
    const lines = items.map((i) =>
      [
        i.withdrawalId,
        formatFen(i.amountFen, 'CNY', 'en').replace(/[^\d.]/g, ''),
        i.currency,
        i.accountName,
        i.bankName,
        i.accountNo,
      ]
        .map(csvField)
        .join(','),
    );
    return {
      fileName: `payout-${bank}-${batchId}.csv`,
      text: `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`,
    };
  },
};
