import type { AppStores } from '../../stores/appStores.ts';
import type { OrderRow } from '../../stores/orderListStore.ts';

/**
 * Single-key actions on the selected row: S ship, A agree to the refund, R refuse it. Offered
 * only when the core's rules allow the action for this order (`row.allowed`).
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
    void agreeRefund(stores, row.orderId, row.refund.refundId);
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

export async function agreeRefund(
  stores: AppStores,
  orderId: string,
  refundId: string,
): Promise<void> {
  const tr = stores.locale.getState().tr;
  const r = await stores.commands.agreeRefund(orderId, refundId);
  const dialogs = stores.dialogs.getState();
  if (r.ok) dialogs.announce(tr.t('refunds.done', { orderId }), 'ok');
  else dialogs.announce(tr.error(r.error), 'error', r.error);
}
