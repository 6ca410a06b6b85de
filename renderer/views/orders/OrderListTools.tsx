import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { download, downloadCsv } from '../../components/download.ts';
import { exportRows, ordersCsv, ordersTable, ordersXlsx } from '../../orders/ordersExport.ts';
import { searchInput } from '../../stores/orderListStore.ts';
import type { OrderListStore } from '../../stores/orderListStore.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Saved filters (apply, save the current one, forget one) and the export of the filter. */
export function OrderListTools({ list }: { list: OrderListStore }) {
  const stores = useStores();
  const tr = useTr();
  const saved = useStore(stores.savedFilters, (s) => s.saved);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);

  async function exportAs(kind: 'csv' | 'xlsx') {
    setBusy(true);
    try {
      const got = await exportRows(stores.desk, searchInput(list.getState().filters));
      if ('error' in got) {
        stores.dialogs.getState().announce(tr.error(got.error), 'error', got.error);
        return;
      }
      const table = ordersTable(got.rows, tr, await stores.balance.getState().loadTimeZone());
      const day = new Date().toISOString().slice(0, 10);
      if (kind === 'csv') downloadCsv(`orders-${day}.csv`, ordersCsv(table));
      else
        download(`orders-${day}.xlsx`, [await ordersXlsx(table, tr.t('orders.title'))], XLSX_TYPE);
      stores.dialogs.getState().announce(tr.t('export.done', { count: got.rows.length }), 'ok');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="filters saved-filters">
      {saved.map((s) => (
        <span key={s.name} className="chip">
          <button
            type="button"
            className="secondary small"
            data-testid="saved-filter"
            onClick={() => void list.getState().setFilters(s.filters)}
          >
            {s.name}
          </button>
          <button
            type="button"
            className="secondary small"
            aria-label={tr.t('savedFilter.remove', { name: s.name })}
            onClick={() => stores.savedFilters.getState().remove(s.name)}
          >
            ×
          </button>
        </span>
      ))}
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          stores.savedFilters.getState().save(name.trim(), list.getState().filters);
          setName('');
        }}
      >
        <label className="field inline">
          <span>{tr.t('savedFilter.name')}</span>
          <input
            value={name}
            maxLength={40}
            onChange={(e) => setName(e.target.value)}
            data-testid="saved-filter-name"
          />
        </label>
        <button type="submit" className="secondary small" data-testid="saved-filter-save">
          {tr.t('savedFilter.save')}
        </button>
      </form>
      <span className="grow" />
      <button
        type="button"
        className="secondary"
        disabled={busy}
        data-testid="export-orders-csv"
        onClick={() => void exportAs('csv')}
      >
        {tr.t('export.csv')}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        data-testid="export-orders-xlsx"
        onClick={() => void exportAs('xlsx')}
      >
        {tr.t('export.xlsx')}
      </button>
    </div>
  );
}
