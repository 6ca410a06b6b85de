import type { Actor, CommandEnvelope, EscrowCommand } from '../../../shared/escrow/types.ts';
import { recipientFor } from '../../fixtures/testRecipient.ts';

/** Actors and envelopes for core tests: one merchant m1, one buyer b1, bank ICBC, agents. */
export const buyer = (userId = 'b1'): Actor => ({ role: 'buyer', userId });
export const seller = (merchantId = 'm1'): Actor => ({
  role: 'seller_staff',
  userId: `staff-${merchantId}`,
  merchantId,
});
export const bankActor: Actor = { role: 'bank', userId: 'bank:icbc' };
export const agent: Actor = { role: 'agent', userId: 'agent-1' };
export const senior: Actor = { role: 'senior_agent', userId: 'senior-1' };
export const system: Actor = { role: 'system', userId: 'system:timers' };

let counter = 0;
/** A fresh command id; tests that need a fixed one pass it explicitly. */
export const nextId = (prefix = 'cmd') => `${prefix}-${++counter}`;

export function env(actor: Actor, command: EscrowCommand, commandId = nextId()): CommandEnvelope {
  return { commandId, actor, command };
}

export const createOrder = (
  orderId: string,
  amountFen = 10_000,
  opts: {
    merchantId?: string;
    buyerId?: string;
    feeBps?: number;
    goodsKind?: 'express' | 'surface' | 'virtual';
  } = {},
): CommandEnvelope =>
  env(buyer(opts.buyerId ?? 'b1'), {
    type: 'create_order',
    orderId,
    merchantId: opts.merchantId ?? 'm1',
    buyerId: opts.buyerId ?? 'b1',
    currency: 'CNY',
    amountFen,
    feeBps: opts.feeBps ?? 60,
    goodsKind: opts.goodsKind ?? 'express',
    ...recipientFor(opts.goodsKind),
    item: { title: 'Tea, 250 g', quantity: 1 },
  });

export const confirmPayment = (orderId: string, amountFen = 10_000): CommandEnvelope =>
  env(bankActor, {
    type: 'confirm_payment',
    orderId,
    bank: 'ICBC',
    bankRef: `ref-${orderId}`,
    currency: 'CNY',
    amountFen,
  });

export const ship = (orderId: string, merchantId = 'm1'): CommandEnvelope =>
  env(seller(merchantId), { type: 'ship', orderId, carrier: 'SF', trackingNo: 'SF12345678' });

export const confirmReceipt = (orderId: string, buyerId = 'b1'): CommandEnvelope =>
  env(buyer(buyerId), { type: 'confirm_receipt', orderId });
