import { SignOutDialog } from './SignOutDialog.tsx';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { OfflineBanner } from '../components/OfflineBanner.tsx';
import { ConfirmMoneyDialog } from '../views/refunds/ConfirmMoneyDialog.tsx';
import { RefundFilesDialog } from '../views/refunds/RefundFilesDialog.tsx';
import { RefuseDialog } from '../views/refunds/RefuseDialog.tsx';
import { ResolveEscalationDialog } from '../views/escalations/ResolveEscalationDialog.tsx';
import { BatchShipDialog } from '../views/shipping/BatchShipDialog.tsx';
import { ShipDialog } from '../views/shipping/ShipDialog.tsx';
import { focusSearch, isTyping } from './keyboard.ts';
import { AlertSwitches } from './AlertSwitches.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { routesFor, shortcutsFor } from './routes.ts';
import { useStores, useTr } from './StoresContext.tsx';

/** Signed-in layout: navigation by role, the offline banner, the view, the detail panel. */
export function AppShell() {
  const stores = useStores();
  const tr = useTr();
  const user = useStore(stores.session, (s) => s.user);
  const route = useStore(stores.nav, (s) => s.route);
  const dialog = useStore(stores.dialogs, (s) => s.dialog);
  const notice = useStore(stores.dialogs, (s) => s.notice);
  const status = useStore(stores.sync, (s) => s.status);
  const rejected = useStore(stores.sync, (s) => s.rejected.length + (s.status?.openIssues ?? 0));
  const caseOpen = useStore(stores.openCase, (s) => s.claimId !== null);
  const routes = routesFor(user?.role);
  const current = routes.find((r) => r.id === route) ?? routes[0];
  const shortcuts = current ? shortcutsFor(current.id, caseOpen) : null;

  // A panel belongs to its tab: the orders, shipping and refunds lists each open an order
  // beside themselves, and leaving the tab closes it, so no other tab finds it squeezing its
  // content.
  useEffect(() => {
    stores.detail.getState().close();
  }, [stores, current?.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !isTyping(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        if (focusSearch()) e.preventDefault();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const View = current?.view;
  const Panel = current?.panel;
  const pendingCount = status?.pendingMutations ?? 0;
  return (
    <div className="app">
      <title>{`${tr.t('app.title')} · ${current ? tr.t(current.labelKey) : ''}`}</title>
      <a className="skip-link" href="#main">
        {tr.t('app.skipToMain')}
      </a>
      <header className="topbar">
        <span className="brand">{tr.t('app.title')}</span>
        <nav aria-label={tr.t('nav.label')}>
          <ul className="nav">
            {routes.map((r) => (
              <li key={r.id}>
                <button
                  type="button"
                  className={`nav-item${r.id === current?.id ? ' active' : ''}`}
                  aria-current={r.id === current?.id ? 'page' : undefined}
                  onClick={() => stores.nav.getState().go(r.id)}
                  data-testid={`nav-${r.id}`}
                >
                  {tr.t(r.labelKey)}
                  {r.showsPending && pendingCount > 0 ? (
                    <span
                      className="count"
                      aria-label={tr.t('sync.pending', { count: pendingCount })}
                    >
                      {pendingCount}
                    </span>
                  ) : null}
                  {r.id === 'sync' && rejected > 0 ? (
                    <span className="count count-bad">{rejected}</span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <span
          className="sync-state"
          data-testid="sync-state"
          data-state={status?.state ?? 'unknown'}
        >
          {status && status.pendingMutations > 0
            ? tr.t('sync.pending', { count: status.pendingMutations })
            : status?.state === 'idle'
              ? tr.t('sync.allSynced')
              : ''}
        </span>
        {user?.merchantId ? <AlertSwitches /> : null}
        <LanguageSwitch />
        <span className="user">
          {user?.displayName} · {user ? tr.dyn(`role.${user.role}`, user.role) : ''}
        </span>
        <button
          type="button"
          className="secondary small"
          onClick={() => {
            const pending = status?.pendingMutations ?? 0;
            if (pending > 0) stores.dialogs.getState().open({ kind: 'signOut', pending });
            else void stores.session.getState().signOut();
          }}
          data-testid="sign-out"
        >
          {tr.t('signOut')}
        </button>
      </header>
      <OfflineBanner />
      <div className="workspace">
        <main id="main" className="main" tabIndex={-1}>
          {/* The view scrolls on its own; the footer below it takes its own line, never on top. */}
          {/* Focusable (tabIndex 0) so keyboard users can scroll a view with nothing focusable in it. */}
          <div
            className="main-scroll"
            role="region"
            aria-label={current ? tr.t(current.labelKey) : undefined}
            tabIndex={0}
          >
            {View ? <View /> : null}
          </div>
          {shortcuts ? (
            <p className="shortcuts muted" data-testid="shortcuts">
              {tr.t(shortcuts)}
            </p>
          ) : null}
        </main>
        {Panel ? <Panel /> : null}
      </div>
      <div
        className={`notice${notice ? ` notice-${notice.tone}` : ''}`}
        role="status"
        aria-live="polite"
        data-testid="notice"
      >
        {notice ? (
          <>
            <span className="notice-text">{notice.text}</span>
            {notice.error ? (
              <details className="error-details">
                <summary>{tr.t('error.details')}</summary>
                <code>
                  {notice.error.code}
                  {notice.error.message ? `: ${notice.error.message}` : ''}
                </code>
              </details>
            ) : null}
            <button
              type="button"
              className="notice-close secondary small"
              aria-label={tr.t('notice.dismiss')}
              title={tr.t('notice.dismiss')}
              onClick={() => stores.dialogs.getState().dismiss()}
              data-testid="notice-close"
            >
              ×
            </button>
          </>
        ) : null}
      </div>
      {dialog?.kind === 'ship' ? (
        <ShipDialog key={dialog.orderId} orderId={dialog.orderId} goodsKind={dialog.goodsKind} />
      ) : null}
      {dialog?.kind === 'refuse' ? (
        <RefuseDialog orderId={dialog.orderId} refundId={dialog.refundId} />
      ) : null}
      {dialog?.kind === 'resolveEscalation' ? <ResolveEscalationDialog item={dialog.item} /> : null}
      {dialog?.kind === 'refundFiles' ? (
        <RefundFilesDialog orderId={dialog.orderId} refundId={dialog.refundId} />
      ) : null}
      {dialog?.kind === 'confirmMoney' ? <ConfirmMoneyDialog action={dialog.action} /> : null}
      {dialog?.kind === 'batch' ? <BatchShipDialog /> : null}
      {dialog?.kind === 'signOut' ? <SignOutDialog pending={dialog.pending} /> : null}
    </div>
  );
}
