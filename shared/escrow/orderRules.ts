import { reject } from './decision.ts';
import { releaseToMerchant } from './escrowResolution.ts';
import { openRefund } from './openItems.ts';
import type { EscrowPolicy } from './policy.ts';
import type { EscrowCommand, EscrowEvent, OrderState } from './types.ts';

/** The order's main line: create → pay → ship → confirm receipt (or extend once). */

type Cmd<T extends EscrowCommand['type']> = Extract<EscrowCommand, { type: T }>;

export function createOrder(
  cmd: Cmd<'create_order'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  // A parcel needs somewhere to go: without a recipient the seller could not print a waybill
  // and the order would sit paid and unshippable. Virtual goods are delivered as a code.
  if (cmd.goodsKind !== 'virtual' && !cmd.recipient)
    reject('recipient_required', `${cmd.goodsKind} goods need a recipient`);
  return [
    {
      type: 'order_created',
      at: now,
      orderId: cmd.orderId,
      merchantId: cmd.merchantId,
      buyerId: cmd.buyerId,
      currency: cmd.currency,
      amountFen: cmd.amountFen,
      feeBps: cmd.feeBps,
      goodsKind: cmd.goodsKind,
      item: { title: cmd.item.title, quantity: cmd.item.quantity },
      ...(cmd.recipient ? { recipient: cmd.recipient } : {}),
      payDeadlineAt: now + policy.unpaidCloseMs,
    },
  ];
}

export function confirmPayment(
  state: OrderState,
  cmd: Cmd<'confirm_payment'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  if (state.status !== 'awaiting_payment') {
    reject(
      'invalid_state',
      `payment can only be confirmed while awaiting payment, not ${state.status}`,
    );
  }
  if (cmd.currency !== state.currency) {
    reject(
      'currency_mismatch',
      `the order is in ${state.currency}, the payment in ${cmd.currency}`,
    );
  }
  // A partial or excess payment is not this order's payment; the bank side must return it.
  if (cmd.amountFen !== state.amountFen) {
    reject('amount_mismatch', `the order is ${state.amountFen} fen, the payment ${cmd.amountFen}`);
  }
  return [
    {
      type: 'payment_confirmed',
      at: now,
      bank: cmd.bank,
      bankRef: cmd.bankRef,
      amountFen: cmd.amountFen,
      shipByAt: now + policy.shipByMs,
    },
  ];
}

export function ship(
  state: OrderState,
  cmd: Cmd<'ship'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  if (state.status !== 'funds_held') {
    reject('invalid_state', `only a paid, unshipped order can ship, not ${state.status}`);
  }
  if (openRefund(state)) reject('refund_open', 'answer the open refund request before shipping');
  return [
    {
      type: 'order_shipped',
      at: now,
      carrier: cmd.carrier,
      trackingNo: cmd.trackingNo,
      autoConfirmAt: now + policy.autoConfirmMs[state.goodsKind],
    },
  ];
}

export function confirmReceipt(state: OrderState, now: number): EscrowEvent[] {
  if (state.status !== 'shipped') {
    reject(
      'invalid_state',
      `receipt can only be confirmed for a shipped order, not ${state.status}`,
    );
  }
  if (openRefund(state)) reject('refund_open', 'a refund is open; cancel it before confirming');
  return [releaseToMerchant(state, now, 'buyer_confirmed')];
}

export function extendReceipt(state: OrderState, now: number, policy: EscrowPolicy): EscrowEvent[] {
  if (state.status !== 'shipped' || state.autoConfirmAt === null) {
    reject(
      'invalid_state',
      `only a shipped order's receipt time can be extended, not ${state.status}`,
    );
  }
  if (state.extended) reject('extension_used', 'the receipt time was already extended once');
  // While paused the remaining time is frozen at what was left when the pause began.
  const remainingMs = state.autoConfirmAt - (state.autoConfirmPausedAt ?? now);
  if (remainingMs <= 0) reject('extension_not_allowed', 'the receipt time has already run out');
  if (remainingMs > policy.extensionWindowMs) {
    reject('extension_not_allowed', 'the receipt time can be extended only near its end');
  }
  return [
    { type: 'receipt_extended', at: now, autoConfirmAt: state.autoConfirmAt + policy.extensionMs },
  ];
}
