import type { Actor, CommandEnvelope } from '../shared/escrow/types.ts';
import { TEST_RECIPIENT } from '../test/fixtures/testRecipient.ts';

const buyer: Actor = { role: 'buyer', userId: 'b1' };
const bank: Actor = { role: 'bank', userId: 'bank:icbc' };

/**
 * The full happy path of one order, as the benchmarks apply it: create, pay, ship, confirm
 * (two postings, five ledger entry rows). Command ids derive from the order id, so a rerun of
 * the same order is an idempotent replay.
 */
export function orderLifecycle(
  orderId: string,
  merchantId: string,
  amountFen: number,
): CommandEnvelope[] {
  const seller: Actor = { role: 'seller_staff', userId: `s-${merchantId}`, merchantId };
  return [
    {
      commandId: `${orderId}-create`,
      actor: buyer,
      command: {
        type: 'create_order',
        orderId,
        merchantId,
        buyerId: 'b1',
        currency: 'CNY',
        amountFen,
        feeBps: 60,
        goodsKind: 'express',
        recipient: TEST_RECIPIENT,
        item: { title: 'Tea', quantity: 1 },
      },
    },
    {
      commandId: `${orderId}-pay`,
      actor: bank,
      command: {
        type: 'confirm_payment',
        orderId,
        bank: 'icbc',
        bankRef: orderId,
        currency: 'CNY',
        amountFen,
      },
    },
    {
      commandId: `${orderId}-ship`,
      actor: seller,
      command: { type: 'ship', orderId, carrier: 'SF', trackingNo: 'SF12345678' },
    },
    {
      commandId: `${orderId}-confirm`,
      actor: buyer,
      command: { type: 'confirm_receipt', orderId },
    },
  ];
}
