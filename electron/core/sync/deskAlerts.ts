import type { OrderState } from '../../../shared/escrow/types.ts';
import type { Currency } from '../../../shared/money.ts';

/** Something a seller should hear about at once (a desktop notification, a sound). */
export interface DeskAlert {
  kind: 'paid_order' | 'refund_requested';
  orderId: string;
  amountFen: number;
  currency: Currency;
  title: string;
}

/**
 * What a server change to one order means for the seller watching: the buyer's payment arrived
 * (the order is now theirs to ship), or the buyer asked for a refund. Judged from the replica's
 * state before and after the pull, so a repeat of the same change alerts nobody twice.
 */
export function alertsFor(before: OrderState | null, after: OrderState): DeskAlert[] {
  const alerts: DeskAlert[] = [];
  const base = { orderId: after.orderId, currency: after.currency, title: after.item.title };
  if (after.status === 'funds_held' && (!before || before.status === 'awaiting_payment')) {
    alerts.push({ kind: 'paid_order', amountFen: after.amountFen, ...base });
  }
  const known = new Set(before?.refunds.map((r) => r.refundId) ?? []);
  for (const r of after.refunds) {
    if (r.status === 'requested' && !known.has(r.refundId)) {
      alerts.push({ kind: 'refund_requested', amountFen: r.amountFen, ...base });
    }
  }
  return alerts;
}

/**
 * Whether an order's new state can alert at all, from its status and its state's JSON text,
 * without parsing it: only a paid order waiting to ship, or one with a refund `requested`,
 * can. Most pulled states (a shipment, a confirmed receipt, the answers to this desk's own
 * push) cannot, and spare the pull the read and parse of the state each one replaces.
 */
export function mayAlert(status: string, stateJson: string): boolean {
  return status === 'funds_held' || stateJson.includes('"requested"');
}
