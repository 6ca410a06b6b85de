import { useEffect, useMemo, useState } from 'react';
import type { MouseEvent } from 'react';
import { useStore } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { SEARCH_INPUT_ID } from '../../app/keyboard.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import type { Column } from '../../components/VirtualTable.tsx';
import { ViewPendingCount } from '../../components/ViewPendingCount.tsx';
import { VirtualTable } from '../../components/VirtualTable.tsx';
import { rowsInFilter } from '../../shipping/rowsInFilter.ts';
import type { OrderRow } from '../../stores/orderListStore.ts';
import { orderColumns } from '../orders/orderColumns.tsx';
import { handleRowShortcut } from '../orders/rowShortcuts.ts';
import { AddressesDialog } from './AddressesDialog.tsx';
import { PackingSlips } from './PackingSlips.tsx';
import { WaybillDialog } from './WaybillDialog.tsx';
import { WaybillLabels } from './WaybillLabels.tsx';
import type { WaybillLabel } from './WaybillLabels.tsx';

type Mode =
  | { kind: 'queue' }
  | { kind: 'slips' }
  | { kind: 'waybillDialog'; rows: OrderRow[] }
  | { kind: 'labels'; labels: WaybillLabel[] }
  | { kind: 'addresses' };

/**
 * Orders waiting to be shipped, earliest ship-by first: ship one, many from CSV, or pick many
 * (click, Shift+click for a range, the header box for all in the filter) and print their
 * packing slips or e-waybills as one print job.
 */
export function ShippingView() {
  const stores = useStores();
  const tr = useTr();
  const queue = stores.shippingQueue;
  const total = useStore(queue, (s) => s.total);
  const text = useStore(queue, (s) => s.filters.text);
  const [picked, setPicked] = useState<ReadonlyMap<string, OrderRow>>(new Map());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'queue' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

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

  /** Shift+click: every row between the last clicked one and this one takes this one's state. */
  const pickRange = async (from: number, to: number, on: boolean) => {
    const [a, b] = from < to ? [from, to] : [to, from];
    await queue.getState().ensureRange(a, b);
    setPicked((prev) => {
      const next = new Map(prev);
      for (let i = a; i <= b; i++) {
        const row = queue.getState().rowAt(i);
        if (!row) continue;
        if (on) next.set(row.orderId, row);
        else next.delete(row.orderId);
      }
      return next;
    });
  };

  const onBoxClick = (e: MouseEvent<HTMLInputElement>, row: OrderRow, index: number) => {
    e.stopPropagation();
    // No preventDefault: the box is controlled, React redraws it from `picked` either way.
    if (e.shiftKey && anchor !== null && anchor !== index) {
      void pickRange(anchor, index, !picked.has(row.orderId));
    } else toggle(row);
    setAnchor(index);
  };

  const allInFilter = async (): Promise<OrderRow[] | null> => {
    setBusy(true);
    setError(null);
    const r = await rowsInFilter(stores.desk, queue.getState().filters, 'awaiting_shipment');
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return null;
    }
    return r.value;
  };

  const allPicked = total !== null && total > 0 && picked.size >= total;
  const toggleAll = async () => {
    if (allPicked) {
      setPicked(new Map());
      return;
    }
    const rows = await allInFilter();
    if (rows) setPicked(new Map(rows.map((r) => [r.orderId, r])));
  };

  const columns = useMemo(() => {
    const c = orderColumns(tr);
    const select: Column = {
      id: 'select',
      header: (
        <input
          type="checkbox"
          aria-label={tr.t('shipping.selectAll', { count: total ?? 0 })}
          checked={allPicked}
          disabled={busy || !total}
          onChange={() => void toggleAll()}
          data-testid="select-all"
        />
      ),
      width: '2.5rem',
      cell: (r, index) => (
        <input
          type="checkbox"
          aria-label={`${tr.t('col.select')} ${r.orderId}`}
          checked={picked.has(r.orderId)}
          onChange={() => undefined}
          onClick={(e) => onBoxClick(e, r, index)}
        />
      ),
    };
    const recipient: Column = {
      id: 'recipient',
      header: tr.t('col.recipient'),
      width: 'minmax(7rem, 0.8fr)',
      cell: (r) =>
        r.recipient ? (
          <span title={r.recipient.masked ? tr.t('recipient.masked') : undefined}>
            {r.recipient.name} · {r.recipient.city}
          </span>
        ) : (
          <span className="muted">—</span>
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
    return [select, c.orderId!, c.deadline!, c.item!, recipient, c.amount!, c.created!, ship];
    // The handlers read the latest selection through the closures rebuilt with `picked`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tr, picked, stores, total, busy, allPicked, anchor]);

  if (mode.kind === 'slips') {
    return <PackingSlips rows={[...picked.values()]} onBack={() => setMode({ kind: 'queue' })} />;
  }
  if (mode.kind === 'labels') {
    return (
      <WaybillLabels
        labels={mode.labels}
        onBack={() => {
          setPicked(new Map());
          setMode({ kind: 'queue' });
        }}
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
        <span className="muted" aria-live="polite" data-testid="shipping-selected">
          {tr.t('shipping.selected', { count: picked.size })}
        </span>
        <button
          type="button"
          className="secondary"
          disabled={picked.size === 0}
          onClick={() => setMode({ kind: 'slips' })}
          data-testid="print-slips"
        >
          {tr.t('shipping.print')}
        </button>
        <button
          type="button"
          disabled={picked.size === 0}
          onClick={() => setMode({ kind: 'waybillDialog', rows: [...picked.values()] })}
          data-testid="print-waybills"
        >
          {tr.t('shipping.printWaybills', { count: picked.size })}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy || !total}
          onClick={async () => {
            const rows = await allInFilter();
            if (rows) setMode({ kind: 'waybillDialog', rows });
          }}
          data-testid="print-all-waybills"
        >
          {tr.t('shipping.printAll', { count: total ?? 0 })}
        </button>
        <button
          type="button"
          onClick={() => stores.dialogs.getState().open({ kind: 'batch' })}
          data-testid="open-batch"
        >
          {tr.t('shipping.batch')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => setMode({ kind: 'addresses' })}
          data-testid="open-addresses"
        >
          {tr.t('address.title')}
        </button>
      </div>
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} />
        </div>
      ) : null}
      <VirtualTable
        store={queue}
        columns={columns}
        label={tr.t('shipping.title')}
        emptyText={tr.t('orders.empty')}
        loadingText={tr.t('a11y.loadingRow')}
        testId="shipping-grid"
        onOpen={(row) => void stores.detail.getState().open(row.orderId)}
        onRowKey={(key, row, index) => {
          if (key === ' ') {
            toggle(row);
            setAnchor(index);
            return true;
          }
          return handleRowShortcut(stores, key, row);
        }}
      />
      {mode.kind === 'waybillDialog' ? (
        <WaybillDialog
          rows={mode.rows}
          onClose={() => setMode({ kind: 'queue' })}
          onPrinted={(labels, refused) => {
            if (refused > 0)
              stores.dialogs
                .getState()
                .announce(tr.t('waybill.refused', { count: refused }), 'error');
            setMode({ kind: 'labels', labels });
          }}
        />
      ) : null}
      {mode.kind === 'addresses' ? (
        <AddressesDialog onClose={() => setMode({ kind: 'queue' })} />
      ) : null}
    </section>
  );
}
