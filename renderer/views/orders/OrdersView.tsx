import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { DAY_MS } from '../../../shared/time.ts';
import { SEARCH_INPUT_ID } from '../../app/keyboard.ts';
import { dayStart, dayValue } from '../../app/localDays.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ViewPendingCount } from '../../components/ViewPendingCount.tsx';
import { VirtualTable } from '../../components/VirtualTable.tsx';
import type { Column } from '../../components/VirtualTable.tsx';
import { orderColumns } from './orderColumns.tsx';
import { OrderListTools } from './OrderListTools.tsx';
import { SortHeader } from './SortHeader.tsx';
import { StatusTabs } from './StatusTabs.tsx';
import { handleRowShortcut } from './rowShortcuts.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { DateField } from '../../components/DateField.tsx';

/** Every order of the merchant: search, filters, and the deadline that matters now. */
export function OrdersView() {
  const stores = useStores();
  const tr = useTr();
  const list = stores.orders;
  const filters = useStore(list, (s) => s.filters);
  const total = useStore(list, (s) => s.total);
  const totalCapped = useStore(list, (s) => s.totalCapped);
  const error = useStore(list, (s) => s.error);

  useEffect(() => {
    if (list.getState().total === null) void list.getState().setFilters({});
  }, [list]);

  const columns = useMemo(() => {
    const c = orderColumns(tr);
    const sortable = (
      col: Column | undefined,
      key: 'created' | 'orderId' | 'buyer' | 'amount' | 'status',
    ) => ({
      ...col!,
      header: <SortHeader list={list} sortKey={key} label={String(col!.header)} />,
    });
    return [
      sortable(c.orderId, 'orderId'),
      sortable(c.created, 'created'),
      sortable(c.buyer, 'buyer'),
      c.item!,
      sortable(c.amount, 'amount'),
      sortable(c.status, 'status'),
      c.tracking!,
      c.note!,
      c.deadline!,
    ];
  }, [tr, list]);

  return (
    <section className="view" aria-labelledby="orders-title">
      <header className="view-head">
        <h1 id="orders-title">{tr.t('orders.title')}</h1>
        <span className="muted" aria-live="polite" data-testid="orders-count">
          {total === null
            ? tr.t('orders.loading')
            : tr.t(totalCapped ? 'orders.countAtLeast' : 'orders.count', { count: total })}
        </span>
        <ViewPendingCount store={list} />
      </header>
      <StatusTabs list={list} />
      <div className="filters" role="search">
        <label className="field grow">
          <span>{tr.t('search.label')}</span>
          <input
            id={SEARCH_INPUT_ID}
            type="search"
            value={filters.text}
            placeholder={tr.t('search.placeholder')}
            onChange={(e) => void list.getState().setFilters({ text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                list.getState().select(0);
                (
                  document.querySelector('[data-testid="orders-grid"]') as HTMLElement | null
                )?.focus();
              }
            }}
            autoComplete="off"
          />
        </label>
        <DateField
          label={tr.t('filter.from')}
          value={dayValue(filters.fromMs)}
          onChange={(v) => void list.getState().setFilters({ fromMs: dayStart(v) })}
        />
        <DateField
          label={tr.t('filter.to')}
          value={dayValue(filters.toMs === null ? null : filters.toMs - DAY_MS)}
          onChange={(v) => {
            const start = dayStart(v);
            void list.getState().setFilters({ toMs: start === null ? null : start + DAY_MS });
          }}
        />
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void list
              .getState()
              .setFilters({ text: '', status: null, fromMs: null, toMs: null, sort: null })
          }
        >
          {tr.t('filter.clear')}
        </button>
      </div>
      <OrderListTools list={list} />
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} />
        </div>
      ) : null}
      <VirtualTable
        store={list}
        columns={columns}
        label={tr.t('orders.title')}
        emptyText={tr.t('orders.empty')}
        loadingText={tr.t('a11y.loadingRow')}
        testId="orders-grid"
        onOpen={(row) => void stores.detail.getState().open(row.orderId)}
        onRowKey={(key, row) => handleRowShortcut(stores, key, row)}
      />
    </section>
  );
}
