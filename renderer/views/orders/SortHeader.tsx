import { useStore } from 'zustand';
import { useTr } from '../../app/StoresContext.tsx';
import type { OrderListStore, OrderSort } from '../../stores/orderListStore.ts';

/**
 * A column header that sorts the list: first click descending (newest, largest first), then
 * ascending, then back to the list's natural order.
 */
export function SortHeader(props: {
  list: OrderListStore;
  sortKey: OrderSort['key'];
  label: string;
}) {
  const tr = useTr();
  const sort = useStore(props.list, (s) => s.filters.sort);
  const mine = sort?.key === props.sortKey ? sort.dir : null;
  const next: OrderSort | null =
    mine === null
      ? { key: props.sortKey, dir: 'desc' }
      : mine === 'desc'
        ? { key: props.sortKey, dir: 'asc' }
        : null;
  return (
    <button
      type="button"
      className="sort-header"
      data-testid={`sort-${props.sortKey}`}
      data-sort={mine ?? 'none'}
      title={tr.t('sort.hint')}
      onClick={() => void props.list.getState().setFilters({ sort: next })}
    >
      {props.label}
      <span aria-hidden="true">{mine === 'desc' ? ' ▼' : mine === 'asc' ? ' ▲' : ''}</span>
      <span className="sr-only">
        {mine ? tr.t(mine === 'desc' ? 'sort.desc' : 'sort.asc') : ''}
      </span>
    </button>
  );
}
