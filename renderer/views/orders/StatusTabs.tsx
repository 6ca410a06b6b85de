import { useStore } from 'zustand';
import { useTr } from '../../app/StoresContext.tsx';
import type { OrderListStore, OrderStatus } from '../../stores/orderListStore.ts';

export const ORDER_STATUSES: OrderStatus[] = [
  'awaiting_payment',
  'funds_held',
  'shipped',
  'completed',
  'closed_unpaid',
  'refunded',
  'partially_refunded',
];

/**
 * The orders list by status, each tab with its live count under the other filters (text,
 * days); counts follow every change the desk reports, like the list itself. With a search text
 * only the first 1,000 matches are counted (as the list's own count), so each is "n+" then.
 */
export function StatusTabs({ list }: { list: OrderListStore }) {
  const tr = useTr();
  const status = useStore(list, (s) => s.filters.status);
  const counts = useStore(list, (s) => s.counts);
  const tab = (value: OrderStatus | null, label: string, count: number | undefined) => (
    <button
      key={value ?? 'all'}
      type="button"
      role="tab"
      aria-selected={status === value}
      className={`tab${status === value ? ' active' : ''}`}
      data-testid={`tab-${value ?? 'all'}`}
      onClick={() => void list.getState().setFilters({ status: value })}
    >
      {label}{' '}
      <span className="count" data-testid="tab-count">
        {count === undefined
          ? '…'
          : counts?.capped
            ? tr.t('orders.tabCountAtLeast', { count })
            : tr.number(count)}
      </span>
    </button>
  );
  return (
    <div role="tablist" aria-label={tr.t('filter.status')} className="tabs">
      {tab(null, tr.t('filter.allStatuses'), counts?.total)}
      {ORDER_STATUSES.map((s) =>
        tab(s, tr.dyn(`status.${s}`, s), counts ? (counts.byStatus[s] ?? 0) : undefined),
      )}
    </div>
  );
}
