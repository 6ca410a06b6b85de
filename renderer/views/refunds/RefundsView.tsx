import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import type { Column } from '../../components/VirtualTable.tsx';
import { ViewPendingCount } from '../../components/ViewPendingCount.tsx';
import { VirtualTable } from '../../components/VirtualTable.tsx';
import { orderColumns } from '../orders/orderColumns.tsx';
import { handleRowShortcut } from '../orders/rowShortcuts.ts';
import { ReturnAddressPanel } from './ReturnAddressPanel.tsx';
import { confirmMoney, moneyItem, SMALL_REFUND_FEN, smallRefunds } from './moneyActions.ts';

/** The bulk agree looks at this many open requests at most (the search's page limit). */
const BULK_LOOKUP = 500;

/**
 * Open refund requests, the one closest to auto-approval first, with the buyer's reason and the
 * seller's answers. Every answer that moves money opens the money confirmation first.
 */
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
    // What the seller decides on: the buyer's own words, in full on hover.
    const reason: Column = {
      id: 'reason',
      header: tr.t('refunds.buyerReason'),
      width: 'minmax(10rem, 1.5fr)',
      cell: (r) =>
        r.refund ? (
          <span className="ellipsis" title={r.refund.reason} data-testid="refund-reason">
            {r.refund.reason}
          </span>
        ) : null,
    };
    // The buyer's photos: the count from the replica, the pictures from the server on opening.
    const photos: Column = {
      id: 'photos',
      header: tr.t('refunds.photos'),
      width: '6.5rem',
      cell: (r) => {
        const refund = r.refund;
        if (!refund) return null;
        return (
          <button
            type="button"
            className="small secondary"
            tabIndex={-1}
            data-testid="refund-photos"
            onClick={() =>
              stores.dialogs
                .getState()
                .open({ kind: 'refundFiles', orderId: r.orderId, refundId: refund.refundId })
            }
          >
            {tr.t('refunds.photoCount', { count: refund.photos.length })}
          </button>
        );
      },
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
                onClick={() => confirmMoney(stores, 'agree_refund', moneyItem(r))}
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
                onClick={() => confirmMoney(stores, 'confirm_return', moneyItem(r))}
              >
                {tr.t('refunds.confirmReturn')}
              </button>
            ) : null}
          </span>
        );
      },
    };
    return [c.orderId!, c.deadline!, request, reason, photos, c.item!, c.status!, answer];
  }, [tr, stores]);

  /** Every small refund-only request in the queue, behind one confirmation with the total. */
  async function openBulkAgree(): Promise<void> {
    const r = await stores.desk.orders.search({
      queue: 'open_refunds',
      offset: 0,
      limit: BULK_LOOKUP,
    });
    const dialogs = stores.dialogs.getState();
    if (!r.ok) return dialogs.announce(tr.error(r.error), 'error', r.error);
    const items = smallRefunds(r.value.rows);
    if (items.length === 0)
      return dialogs.announce(
        tr.t('refunds.bulkNone', { amount: tr.money(SMALL_REFUND_FEN) }),
        'ok',
      );
    dialogs.open({ kind: 'confirmMoney', action: { type: 'agree_refund', items } });
  }

  return (
    <section className="view" aria-labelledby="refunds-title">
      <header className="view-head">
        <h1 id="refunds-title">{tr.t('refunds.title')}</h1>
        <span className="muted" aria-live="polite" data-testid="refunds-count">
          {total === null ? tr.t('orders.loading') : tr.t('refunds.count', { count: total })}
        </span>
        <ViewPendingCount store={queue} />
        <button
          type="button"
          className="secondary"
          data-testid="bulk-agree"
          onClick={() => void openBulkAgree()}
        >
          {tr.t('refunds.bulkAgree', { amount: tr.money(SMALL_REFUND_FEN) })}
        </button>
      </header>
      <ReturnAddressPanel />
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
