import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { SEARCH_INPUT_ID } from '../../app/keyboard.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import type { Column } from '../../components/VirtualTable.tsx';
import { ViewPendingCount } from '../../components/ViewPendingCount.tsx';
import { VirtualTable } from '../../components/VirtualTable.tsx';
import type { OrderRow } from '../../stores/orderListStore.ts';
import { orderColumns } from '../orders/orderColumns.tsx';
import { handleRowShortcut } from '../orders/rowShortcuts.ts';
import { PackingSlips } from './PackingSlips.tsx';

/** Orders waiting to be shipped, earliest ship-by first; ship one, many from CSV, print slips. */
export function ShippingView() {
  const stores = useStores();
  const tr = useTr();
  const queue = stores.shippingQueue;
  const total = useStore(queue, (s) => s.total);
  const text = useStore(queue, (s) => s.filters.text);
  const user = useStore(stores.session, (s) => s.user);
  const [picked, setPicked] = useState<ReadonlyMap<string, OrderRow>>(new Map());
  const [printing, setPrinting] = useState(false);

  useEffect(() => {
    void queue.getState().setFilters({});
  }, [queue]);

  const toggle = (row: OrderRow) =>
    setPicked((prev) => {
      const next = new Map(prev);
      if (next.has(row.orderId)) next.delete(row.orderId);
      else next.set(row.orderId, row);
      return next;
    });

  const columns = useMemo(() => {
    const c = orderColumns(tr);
    const select: Column = {
      id: 'select',
      header: <span className="sr-only">{tr.t('col.select')}</span>,
      width: '2.5rem',
      cell: (r) => (
        <input
          type="checkbox"
          aria-label={`${tr.t('col.select')} ${r.orderId}`}
          checked={picked.has(r.orderId)}
          onChange={() => toggle(r)}
          onClick={(e) => e.stopPropagation()}
        />
      ),
    };
    const ship: Column = {
      id: 'ship',
      header: <span className="sr-only">{tr.t('ship.submit')}</span>,
      width: '6rem',
      cell: (r) =>
        r.allowed.includes('ship') ? (
          <button
            type="button"
            className="small"
            tabIndex={-1}
            onClick={() =>
              stores.dialogs
                .getState()
                .open({ kind: 'ship', orderId: r.orderId, goodsKind: r.goodsKind })
            }
          >
            {tr.t('ship.submit')}
          </button>
        ) : null,
    };
    return [select, c.orderId!, c.deadline!, c.item!, c.buyer!, c.amount!, c.created!, ship];
  }, [tr, picked, stores]);

  if (printing) {
    return (
      <PackingSlips
        rows={[...picked.values()]}
        merchantName={user?.displayName ?? ''}
        onBack={() => setPrinting(false)}
      />
    );
  }

  return (
    <section className="view" aria-labelledby="shipping-title">
      <header className="view-head">
        <h1 id="shipping-title">{tr.t('shipping.title')}</h1>
        <span className="muted" aria-live="polite" data-testid="shipping-count">
          {total === null ? tr.t('orders.loading') : tr.t('shipping.queue', { count: total })}
        </span>
        <ViewPendingCount store={queue} />
      </header>
      <div className="filters">
        <label className="field grow">
          <span>{tr.t('search.label')}</span>
          <input
            id={SEARCH_INPUT_ID}
            type="search"
            value={text}
            placeholder={tr.t('search.placeholder')}
            onChange={(e) => void queue.getState().setFilters({ text: e.target.value })}
            autoComplete="off"
          />
        </label>
        <span className="muted" aria-live="polite">
          {tr.t('shipping.selected', { count: picked.size })}
        </span>
        <button
          type="button"
          className="secondary"
          disabled={picked.size === 0}
          onClick={() => setPrinting(true)}
          data-testid="print-slips"
        >
          {tr.t('shipping.print')}
        </button>
        <button
          type="button"
          onClick={() => stores.dialogs.getState().open({ kind: 'batch' })}
          data-testid="open-batch"
        >
          {tr.t('shipping.batch')}
        </button>
      </div>
      <VirtualTable
        store={queue}
        columns={columns}
        label={tr.t('shipping.title')}
        emptyText={tr.t('orders.empty')}
        loadingText={tr.t('a11y.loadingRow')}
        testId="shipping-grid"
        onOpen={(row) => void stores.detail.getState().open(row.orderId)}
        onRowKey={(key, row) => {
          if (key === ' ') {
            toggle(row);
            return true;
          }
          return handleRowShortcut(stores, key, row);
        }}
      />
    </section>
  );
}
