import type { AppStores } from '../../stores/appStores.ts';
import type { MoneyAction, MoneyItem } from '../../stores/dialogStore.ts';
import type { OrderRow } from '../../stores/orderListStore.ts';

/**
 * Refunds at or below this amount may be agreed together ("small refunds"): a seller clearing a
 * morning's ¥20 requests should not need twenty dialogs, and one confirmation names the total.
 */
export const SMALL_REFUND_FEN = 100_00;

/** The refund of a row as a money dialog item, or null when the row has none. */
export function moneyItem(row: OrderRow): MoneyItem | null {
  if (!row.refund) return null;
  return {
    orderId: row.orderId,
    refundId: row.refund.refundId,
    buyerId: row.buyerId,
    amountFen: row.refund.amountFen,
    currency: row.currency,
    refundKind: row.refund.kind,
  };
}

/** Opens the confirmation for an action on one row; the dialog, never this call, acts. */
export function confirmMoney(
  stores: AppStores,
  type: MoneyAction['type'],
  item: MoneyItem | null,
): void {
  if (item)
    stores.dialogs.getState().open({ kind: 'confirmMoney', action: { type, items: [item] } });
}

/**
 * The refunds a bulk agree may take: refund-only requests waiting for the seller, at or below
 * SMALL_REFUND_FEN, that the rules let this user agree to now.
 */
export function smallRefunds(rows: readonly OrderRow[]): MoneyItem[] {
  return rows
    .filter(
      (r) =>
        r.refund !== null &&
        r.refund.kind === 'refund_only' &&
        r.refund.status === 'requested' &&
        r.refund.amountFen <= SMALL_REFUND_FEN &&
        r.allowed.includes('agree_refund'),
    )
    .map((r) => moneyItem(r))
    .filter((i): i is MoneyItem => i !== null);
}

export const totalFen = (items: readonly MoneyItem[]): number =>
  items.reduce((sum, i) => sum + i.amountFen, 0);

/**
 * Runs a confirmed money action, item by item (each with its own idempotency key), and names
 * the outcome: what was agreed, for how much, and what was refused and why.
 */
export async function runMoneyAction(stores: AppStores, action: MoneyAction): Promise<void> {
  const tr = stores.locale.getState().tr;
  const dialogs = stores.dialogs.getState();
  const done: MoneyItem[] = [];
  let firstError: { item: MoneyItem; error: { code: string; message: string } } | null = null;
  for (const item of action.items) {
    const r =
      action.type === 'agree_refund'
        ? await stores.commands.agreeRefund(item.orderId, item.refundId)
        : await stores.commands.confirmReturn(item.orderId, item.refundId);
    if (r.ok) done.push(item);
    else firstError ??= { item, error: r.error };
  }
  const failed = action.items.length - done.length;
  if (failed > 0 && firstError) {
    const text =
      action.items.length === 1
        ? tr.t('money.failedOne', {
            orderId: firstError.item.orderId,
            why: tr.error(firstError.error),
          })
        : tr.t('money.failedSome', {
            done: done.length,
            failed,
            amount: tr.money(totalFen(done)),
            why: tr.error(firstError.error),
          });
    dialogs.announce(text, 'error', firstError.error);
    return;
  }
  const only = done[0];
  if (done.length === 1 && only) {
    const key =
      action.type === 'confirm_return'
        ? 'money.returnConfirmed'
        : only.refundKind === 'return_and_refund'
          ? 'money.agreedReturn'
          : 'money.agreedRefund';
    dialogs.announce(
      tr.t(key, {
        orderId: only.orderId,
        amount: tr.money(only.amountFen, only.currency),
        buyer: only.buyerId,
      }),
      'ok',
    );
  } else {
    dialogs.announce(
      tr.t('money.agreedMany', { count: done.length, amount: tr.money(totalFen(done)) }),
      'ok',
    );
  }
}
