import type { DeskApi } from '../../shared/contract/types.ts';
import { createAlertStore } from './alertStore.ts';
import { createBalanceStore } from './balanceStore.ts';
import { createBatchShipStore } from './batchShipStore.ts';
import { createCaseQueueStore } from './caseQueueStore.ts';
import { createCaseStore } from './caseStore.ts';
import { createClockStore } from './clockStore.ts';
import { createDeskCommands } from './deskCommands.ts';
import { createDialogStore } from './dialogStore.ts';
import type { NoticeTimer } from './dialogStore.ts';
import { createLocaleStore } from './localeStore.ts';
import { createNavStore } from './navStore.ts';
import { createOrderDetailStore } from './orderDetailStore.ts';
import { createOrderListStore } from './orderListStore.ts';
import { createSavedFiltersStore } from './savedFiltersStore.ts';
import { createSessionStore } from './sessionStore.ts';
import { createSyncStore } from './syncStore.ts';

/**
 * Every store of the desk (the seller views and the dispute desk), wired to one desk connection. `onSignedOut` runs after a
 * sign-out: the page passes a reload, so no store, open panel or notice of one user survives
 * into the next user's session on a shared computer.
 */
export function createAppStores(
  desk: DeskApi,
  opts: { onSignedOut?: () => void; noticeTimer?: NoticeTimer } = {},
) {
  const sync = createSyncStore(desk);
  const dialogs = createDialogStore(opts.noticeTimer);
  const locale = createLocaleStore(desk);
  const caseQueue = createCaseQueueStore(desk);
  // A notice in the old language would stay untranslated: a language change clears it.
  locale.subscribe((s, prev) => {
    if (s.locale !== prev.locale) dialogs.getState().clearNotices();
  });
  const session = createSessionStore(desk, () => {
    dialogs.getState().clearNotices();
    opts.onSignedOut?.();
  });
  return {
    desk,
    session,
    locale,
    nav: createNavStore(),
    clock: createClockStore(),
    sync,
    commands: createDeskCommands(desk, sync),
    orders: createOrderListStore(desk),
    shippingQueue: createOrderListStore(desk, 'awaiting_shipment'),
    refundQueue: createOrderListStore(desk, 'open_refunds'),
    detail: createOrderDetailStore(desk),
    dialogs,
    batchShip: createBatchShipStore(desk, sync),
    balance: createBalanceStore(desk),
    caseQueue,
    // A decision or an assignment changes the queue too.
    openCase: createCaseStore(desk, () => void caseQueue.getState().load()),
    alerts: createAlertStore(desk),
    savedFilters: createSavedFiltersStore(session),
  };
}

export type AppStores = ReturnType<typeof createAppStores>;

/**
 * Keeps the lists and the open order fresh when the core reports changed orders (a local
 * command, a sync pull, a timer). Returns the unsubscribe.
 */
export function followDeskChanges(stores: AppStores): () => void {
  const offChanged = stores.desk.subscribe('orders.changed', () => {
    void stores.orders.getState().refresh();
    void stores.shippingQueue.getState().refresh();
    void stores.refundQueue.getState().refresh();
    void stores.detail.getState().reload();
  });
  const offAlerts = stores.desk.subscribe('desk.alert', ({ alerts }) => {
    void stores.alerts.getState().raise(alerts, stores.locale.getState().tr);
  });
  const offSync = stores.sync.getState().start();
  return () => {
    offChanged();
    offAlerts();
    offSync();
  };
}
