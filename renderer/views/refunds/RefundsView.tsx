import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import type { Column } from '../../components/VirtualTable.tsx';
import { ViewPendingCount } from '../../components/ViewPendingCount.tsx';
import { VirtualTable } from '../../components/VirtualTable.tsx';
import { orderColumns } from '../orders/orderColumns.tsx';
import { agreeRefund, handleRowShortcut } from '../orders/rowShortcuts.ts';

/** Open refund requests, the one closest to auto-approval first, with the seller's answers. */
export function RefundsView() {
  const stores = useStores();
  const tr = useTr();
  const queue = stores.refundQueue;
  const total = useStore(queue, (s) => s.total);

  useEffect(() => {
    void queue.getState().setFilters({});
  }, [queue]);

  const columns = useMemo(() => {
    const c = orderColumns(tr);
    const request: Column = {
      id: 'request',
      header: tr.t('detail.refund'),
      width: 'minmax(12rem, 1.5fr)',
      cell: (r) =>
        r.refund ? (
          <span className="ellipsis" title={r.refund.reason}>
            {tr.dyn(`refunds.kind.${r.refund.kind}`, r.refund.kind)} ·{' '}
            {tr.money(r.refund.amountFen, r.currency)} ·{' '}
            {tr.dyn(`refunds.status.${r.refund.status}`, r.refund.status)}
          </span>
        ) : null,
    };
    const answer: Column = {
      id: 'answer',
      header: <span className="sr-only">{tr.t('detail.actions')}</span>,
      width: '15rem',
      cell: (r) => {
        const refund = r.refund;
        if (!refund) return null;
        return (
          <span className="row-actions">
            {r.allowed.includes('agree_refund') ? (
              <button
                type="button"
                className="small"
                tabIndex={-1}
                onClick={() => void agreeRefund(stores, r.orderId, refund.refundId)}
              >
                {tr.t('refunds.agree')}
              </button>
            ) : null}
            {r.allowed.includes('refuse_refund') ? (
              <button
                type="button"
                className="small danger"
                tabIndex={-1}
                onClick={() =>
                  stores.dialogs
                    .getState()
                    .open({ kind: 'refuse', orderId: r.orderId, refundId: refund.refundId })
                }
              >
                {tr.t('refunds.refuse')}
              </button>
            ) : null}
            {r.allowed.includes('confirm_return') ? (
              <button
                type="button"
                className="small"
                tabIndex={-1}
                onClick={async () => {
                  const res = await stores.commands.confirmReturn(r.orderId, refund.refundId);
                  const dialogs = stores.dialogs.getState();
                  if (res.ok) dialogs.announce(tr.t('refunds.done', { orderId: r.orderId }), 'ok');
                  else dialogs.announce(tr.error(res.error), 'error', res.error);
                }}
              >
                {tr.t('refunds.confirmReturn')}
              </button>
            ) : null}
          </span>
        );
      },
    };
    return [c.orderId!, c.deadline!, request, c.item!, c.status!, answer];
  }, [tr, stores]);

  return (
    <section className="view" aria-labelledby="refunds-title">
      <header className="view-head">
        <h1 id="refunds-title">{tr.t('refunds.title')}</h1>
        <span className="muted" aria-live="polite" data-testid="refunds-count">
          {total === null ? tr.t('orders.loading') : tr.t('refunds.count', { count: total })}
        </span>
        <ViewPendingCount store={queue} />
      </header>
      <VirtualTable
        store={queue}
        columns={columns}
        label={tr.t('refunds.title')}
        emptyText={tr.t('orders.empty')}
        loadingText={tr.t('a11y.loadingRow')}
        testId="refunds-grid"
        onOpen={(row) => void stores.detail.getState().open(row.orderId)}
        onRowKey={(key, row) => handleRowShortcut(stores, key, row)}
      />
    </section>
  );
}
