import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';

/** The desk methods behind local actions, as the escrow action each one is (for its label). */
const METHOD_ACTIONS: Record<string, string> = {
  'shipments.ship': 'ship',
  'refunds.agree': 'agree_refund',
  'refunds.refuse': 'refuse_refund',
  'refunds.confirmReturn': 'confirm_return',
  'orders.annotate': 'annotate_order',
};

/**
 * Actions that were refused: by the desk at once, or by the central server after sync (these
 * arrive through `sync.status`; the core keeps the full issue records). Each says what was
 * tried, why it was refused, and offers the order or an acknowledgement.
 */
export function SyncIssuesView() {
  const stores = useStores();
  const tr = useTr();
  const { rejected, status, pending, serverIssues } = useStore(stores.sync);
  const methodLabel = (method: string) =>
    tr.dyn(`action.${METHOD_ACTIONS[method] ?? method}`, method);
  return (
    <section className="view view-scroll" aria-labelledby="sync-title">
      <header className="view-head">
        <h1 id="sync-title">{tr.t('sync.issues.title')}</h1>
        <span className="muted" data-testid="sync-summary">
          {status && status.pendingMutations > 0
            ? tr.t('sync.pending', { count: status.pendingMutations })
            : tr.t('sync.allSynced')}
          {status?.lastSyncedAt
            ? ` · ${tr.t('sync.lastSynced', { time: tr.date(status.lastSyncedAt) })}`
            : ''}
        </span>
        <button
          type="button"
          className="secondary"
          onClick={() => void stores.sync.getState().syncNow()}
        >
          {tr.t('sync.syncNow')}
        </button>
      </header>
      {status?.message ? (
        <div className="muted">
          <ErrorText
            error={{ code: 'sync_error', message: status.message }}
            text={status.state === 'error' ? tr.t('offline.error') : tr.t('offline.banner')}
          />
        </div>
      ) : null}
      {pending.length > 0 ? (
        <ul className="pending-list" aria-label={tr.t('pending.badge')}>
          {pending.map((p) => (
            <li key={p.commandId}>
              <span className="badge badge-pending">{tr.t('pending.badge')}</span>{' '}
              <span className="mono">{p.orderId}</span> {methodLabel(p.method)} · {tr.date(p.at)}
            </li>
          ))}
        </ul>
      ) : null}
      <p>{tr.t('sync.issues.intro')}</p>
      {serverIssues.length > 0 ? (
        <ul className="issues" data-testid="server-issues">
          {serverIssues.map((i) => (
            <li key={i.mutationId} className="issue">
              <div>
                <strong className="mono">{i.orderId}</strong> ·{' '}
                {tr.dyn(`action.${i.commandType}`, i.commandType)} · {tr.date(i.createdAt)}
              </div>
              <div className="error">
                <ErrorText error={i} />
              </div>
              <div className="muted">{i.whatChanged}</div>
              <div className="actions">
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => void stores.detail.getState().open(i.orderId)}
                >
                  {tr.t('sync.issues.open')}
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => void stores.sync.getState().acknowledgeIssue(i.mutationId)}
                >
                  {tr.t('sync.issues.acknowledge')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {rejected.length === 0 && serverIssues.length === 0 ? (
        <p className="muted">{tr.t('sync.issues.none')}</p>
      ) : rejected.length === 0 ? null : (
        <ul className="issues" data-testid="sync-issues">
          {rejected.map((r) => (
            <li key={r.commandId} className="issue">
              <div>
                <strong className="mono">{r.orderId}</strong> · {methodLabel(r.method)} ·{' '}
                {tr.date(r.at)}
              </div>
              <div className="error">
                <ErrorText error={r} />
              </div>
              <div className="actions">
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => void stores.detail.getState().open(r.orderId)}
                >
                  {tr.t('sync.issues.open')}
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => stores.sync.getState().acknowledge(r.commandId)}
                >
                  {tr.t('sync.issues.acknowledge')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
