import type { OrderState } from '../../../shared/escrow/types.ts';
import type { PullResponse, SyncedTxn } from '../../../shared/sync/protocol.ts';
import { CACHE_KIB } from '../store/openDatabase.ts';
import { refetchableTransaction } from '../store/refetchableTransaction.ts';
import type { WalCheckpointer } from '../store/walCheckpointer.ts';
import { alertsFor } from './deskAlerts.ts';
import type { DeskAlert } from './deskAlerts.ts';
import type { SyncParts } from './syncParts.ts';

/** The page cache while the replica downloads for the first time, in KiB (openDatabase.ts). */
const BOOTSTRAP_CACHE_KIB = 16 * 1024;

/**
 * Pull (docs/sync.md): pages of the server's changes since the stored cookie, each stored in
 * one transaction with its cookie (committed without an fsync: refetchableTransaction.ts);
 * the final page's lastMutationId drops the confirmed mutations, and the overlay is replayed
 * on top of the new confirmed state (rebase).
 */
export function createPuller(
  parts: SyncParts,
  opts: { pullLimit: number; bootstrapLimit: number; checkpointer: WalCheckpointer },
): () => Promise<void> {
  const { db, transport, clientId, meta, outbox, overlay, replica, issues, hub, now } = parts;
  const { pullLimit, bootstrapLimit, checkpointer } = opts;
  const countOrders = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_orders');
  const countTxns = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_txns');

  function applyPage(page: PullResponse, alerts: DeskAlert[]): Set<string> {
    const touched = new Set<string>();
    // The confirmed states this page wrote, handed to the rebase so it need not read them back.
    const stored = new Map<string, OrderState>();
    // The first download of a replica is history, not news: it alerts nobody.
    const alerting = meta.get('bootstrapped') === '1';
    refetchableTransaction(db, () => {
      const txns: SyncedTxn[] = [];
      for (const change of page.changes) {
        if (change.kind === 'order') {
          const before = alerting ? replica.confirmedOrder(change.order.orderId) : null;
          if (replica.putOrder(change.order)) {
            touched.add(change.order.orderId);
            stored.set(change.order.orderId, change.order);
            if (alerting) alerts.push(...alertsFor(before, change.order));
          }
        } else if (change.kind === 'ledger_txn') {
          txns.push(change.txn);
        } else if (change.kind === 'order_event') {
          if (replica.putOrderEvent(change.entry)) touched.add(change.entry.orderId);
        } else {
          parts.recordRejection(change.mutationId, change.commandId, change.command, change.error);
          touched.add(change.command.orderId);
        }
      }
      replica.putTxns(txns);
      meta.set('cookie', page.cookie);
      // Only a final page's lastMutationId is consistent with the changes delivered so far.
      if (!page.more) {
        const confirmed = Math.max(meta.getNumber('confirmedMutationId'), page.lastMutationId);
        for (const row of outbox.dropThrough(confirmed)) {
          touched.add(row.orderId);
          if (row.serverStatus === 'rejected' && row.error && !issues.get(row.mutationId)) {
            parts.recordRejection(row.mutationId, row.commandId, row.command, row.error);
          }
        }
        meta.set('confirmedMutationId', String(confirmed));
        if (meta.getNumber('pushedMutationId') < confirmed)
          meta.set('pushedMutationId', String(confirmed));
      }
      overlay.rebuild(touched, now(), stored);
    });
    return touched;
  }

  async function pullAll(): Promise<void> {
    // The first download writes every page of the replica once and reads none of them back:
    // held in the 64 MiB cache they only cost fresh memory. Measured on a 20,000-order
    // bootstrap (bench/desk.bench.ts): a fifth less CPU with a 16 MiB cache, which still holds
    // a whole page's writes so nothing spills before its commit.
    const smallCache = meta.get('bootstrapped') !== '1';
    if (smallCache) db.pragma(`cache_size = ${-BOOTSTRAP_CACHE_KIB}`);
    try {
      await pullUntilCaughtUp();
    } finally {
      // A connection closed mid-pull (signed out) has nothing to restore.
      if (smallCache && db.open) db.pragma(`cache_size = ${-CACHE_KIB}`);
    }
  }

  async function pullUntilCaughtUp(): Promise<void> {
    for (;;) {
      const cookie = meta.get('cookie');
      const bootstrapping = meta.get('bootstrapped') !== '1';
      const page = await transport.pull({
        clientId,
        cookie,
        limit: bootstrapping ? bootstrapLimit : pullLimit,
      });
      const alerts: DeskAlert[] = [];
      const touched = applyPage(page, alerts);
      checkpointer.wrote(page.changes.length);
      if (bootstrapping) {
        if (!page.more) db.transaction(() => meta.set('bootstrapped', '1')).immediate();
        hub.update({
          bootstrap: {
            orders: countOrders.get()?.n ?? 0,
            txns: countTxns.get()?.n ?? 0,
            done: !page.more,
          },
        });
      }
      parts.emitOrders(touched);
      if (alerts.length > 0) parts.emitAlerts(alerts);
      parts.refreshCounts();
      if (!page.more) return;
    }
  }

  return pullAll;
}
