import type { Column } from '../../components/VirtualTable.tsx';
import { Countdown } from '../../components/Countdown.tsx';
import { PendingBadge } from '../../components/PendingBadge.tsx';
import type { Translator } from '../../i18n/translate.ts';
import type { OrderRow } from '../../stores/orderListStore.ts';

/** The deadline that matters now, with its name and countdown (or "paused"). */
export function DeadlineCell({ row, tr }: { row: OrderRow; tr: Translator }) {
  if (!row.deadline) {
    return row.autoConfirmPaused ? (
      <span className="muted">{tr.t('deadline.paused')}</span>
    ) : (
      <span className="muted">{tr.t('deadline.none')}</span>
    );
  }
  return (
    <span className="deadline">
      <span className="deadline-kind">
        {tr.dyn(`deadline.${row.deadline.kind}`, row.deadline.kind)}
      </span>{' '}
      <Countdown at={row.deadline.at} moneyMoves={row.deadline.moneyMoves} />
    </span>
  );
}

/** Columns every order list shares; views pick and order them. */
export function orderColumns(tr: Translator): Record<string, Column> {
  return {
    orderId: {
      id: 'orderId',
      header: tr.t('col.orderId'),
      width: 'minmax(15rem, 1.2fr)',
      cell: (r) => (
        <>
          <span className="mono">{r.orderId}</span>{' '}
          <PendingBadge orderId={r.orderId} pendingSync={r.pendingSync} />
        </>
      ),
    },
    created: {
      id: 'created',
      header: tr.t('col.created'),
      width: '9.5rem',
      cell: (r) => tr.date(r.createdAt),
    },
    buyer: { id: 'buyer', header: tr.t('col.buyer'), width: '7rem', cell: (r) => r.buyerId },
    item: {
      id: 'item',
      header: tr.t('col.item'),
      width: 'minmax(8rem, 1.4fr)',
      cell: (r) => (
        <span className="ellipsis" title={r.title}>
          {r.title} ×{r.quantity}
        </span>
      ),
    },
    amount: {
      id: 'amount',
      header: tr.t('col.amount'),
      width: '7.5rem',
      cell: (r) => <span className="num">{tr.money(r.amountFen, r.currency)}</span>,
    },
    status: {
      id: 'status',
      header: tr.t('col.status'),
      width: '9rem',
      cell: (r) => (
        <span className={`status status-${r.status}`}>
          {tr.dyn(`status.${r.status}`, r.status)}
        </span>
      ),
    },
    tracking: {
      id: 'tracking',
      header: tr.t('col.tracking'),
      width: 'minmax(8rem, 1fr)',
      cell: (r) =>
        r.trackingNo ? (
          <span className="mono">
            {tr.dyn(`carrier.${r.carrier}`, r.carrier ?? '')} {r.trackingNo}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    note: {
      id: 'note',
      header: tr.t('col.note'),
      width: 'minmax(8rem, 1fr)',
      cell: (r) =>
        r.flag || r.sellerNote ? (
          <span className="ellipsis" title={r.sellerNote} data-testid="row-note">
            {r.flag ? (
              <span
                className={`flag-dot flag-${r.flag}`}
                role="img"
                aria-label={tr.dyn(`flag.${r.flag}`, r.flag)}
                data-flag={r.flag}
              />
            ) : null}{' '}
            {r.sellerNote}
          </span>
        ) : null,
    },
    deadline: {
      id: 'deadline',
      header: tr.t('col.deadline'),
      width: 'minmax(12rem, 1.3fr)',
      cell: (r) => <DeadlineCell row={r} tr={tr} />,
    },
  };
}
