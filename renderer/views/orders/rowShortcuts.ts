import type { AppStores } from '../../stores/appStores.ts';
import type { OrderRow } from '../../stores/orderListStore.ts';
import { confirmMoney, moneyItem } from '../refunds/moneyActions.ts';

/**
 * Single-key actions on the selected row: S ship, A agree to the refund, R refuse it. Offered
 * only when the core's rules allow the action for this order (`row.allowed`). A only opens the
 * money confirmation: no key moves money by itself.
 */
export function handleRowShortcut(stores: AppStores, key: string, row: OrderRow): boolean {
  const k = key.toLowerCase();
  if (k === 's' && row.allowed.includes('ship')) {
    stores.dialogs
      .getState()
      .open({ kind: 'ship', orderId: row.orderId, goodsKind: row.goodsKind });
    return true;
  }
  if (k === 'a' && row.refund && row.allowed.includes('agree_refund')) {
    confirmMoney(stores, 'agree_refund', moneyItem(row));
    return true;
  }
  if (k === 'r' && row.refund && row.allowed.includes('refuse_refund')) {
    stores.dialogs
      .getState()
      .open({ kind: 'refuse', orderId: row.orderId, refundId: row.refund.refundId });
    return true;
  }
  return false;
}
