import type { OrderState } from '../../../shared/escrow/types.ts';
import { CACHE_KIB } from '../store/openDatabase.ts';
import { refetchableTransaction } from '../store/refetchableTransaction.ts';
import type { WalCheckpointer } from '../store/walCheckpointer.ts';
import { alertsFor, mayAlert } from './deskAlerts.ts';
import type { DeskAlert } from './deskAlerts.ts';
import type { PageDecoder } from './pageDecoder.ts';
import type { PageScopeCheck } from './pageScope.ts';
import type { PulledPage } from './pulledPage.ts';
import type { ConfirmedStates } from './provisionalOverlay.ts';
import type { SyncParts } from './syncParts.ts';

/** The page cache while the replica downloads for the first time, in KiB (openDatabase.ts). */
const BOOTSTRAP_CACHE_KIB = 16 * 1024;

/** The states of a page's orders, parsed only for the few the rebase asks for. */
function pageStates(texts: ReadonlyMap<string, string>): ConfirmedStates {
  return {
    has: (orderId) => texts.has(orderId),
    get(orderId) {
      const text = texts.get(orderId);
      return text === undefined ? undefined : (JSON.parse(text) as OrderState);
    },
  };
}

/**
 * Pull (docs/sync.md): pages of the server's changes since the stored cookie, each stored in
 * one transaction with its cookie (committed without an fsync: refetchableTransaction.ts);
 * the final page's lastMutationId drops the confirmed mutations, and the overlay is replayed
 * on top of the new confirmed state (rebase).
 *
 * While there are more pages, the next one is asked for before this one is written, and
 * decoded meanwhile (pageDecoder.ts, on its own thread when large). A pull is a read, so asking
 * early changes nothing on the server; the next page is asked by the cookie of this one, which
 * is what the stored cookie will be once it is written.
 */
export function createPuller(
  parts: SyncParts,
  opts: {
    pullLimit: number;
    bootstrapLimit: number;
    checkpointer: WalCheckpointer;
    decoder: PageDecoder;
    checkScope: PageScopeCheck;
  },
): () => Promise<void> {
  const { db, transport, clientId, meta, outbox, overlay, replica, issues, hub, now } = parts;
  const { pullLimit, bootstrapLimit, checkpointer, decoder, checkScope } = opts;
  const countOrders = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_orders');
  const countTxns = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_txns');

  function applyPage(page: PulledPage, alerts: DeskAlert[]): Set<string> {
    checkScope(page);
    const touched = new Set<string>();
    // The confirmed states this page wrote, handed to the rebase so it need not read them back.
    const stored = new Map<string, string>();
    // The first download of a replica is history, not news: it alerts nobody.
    const alerting = meta.get('bootstrapped') === '1';
    refetchableTransaction(db, () => {
      for (const row of page.orders) {
        const orderId = row[0];
        const alertable = alerting && mayAlert(row[2], row[5]);
        const before = alertable ? replica.confirmedOrder(orderId) : null;
        if (replica.putOrderRow(row)) {
          touched.add(orderId);
          stored.set(orderId, row[5]);
          if (alertable) alerts.push(...alertsFor(before, JSON.parse(row[5]) as OrderState));
        }
      }
      for (const row of page.events) if (replica.putEventRow(row)) touched.add(row[0]);
      for (const r of page.rejections) {
        parts.recordRejection(r.mutationId, r.commandId, r.command, r.error);
        touched.add(r.command.orderId);
      }
      replica.putTxnRows(page.txns);
      meta.set('cookie', page.cookie);
      // Only a final page's lastMutationId is consistent with the changes delivered so far.
      if (!page.more) {
        outbox.assertMadeHere(page.lastMutationId);
        const confirmed = Math.max(meta.getNumber('confirmedMutationId'), page.lastMutationId);
        // A refusal stored without its issue is recorded while its row, and the state the
        // user acted on, are still here.
        for (const row of outbox.rejectedThrough(confirmed))
          if (row.error && !issues.get(row.mutationId))
            parts.recordRejection(row.mutationId, row.commandId, row.command, row.error);
        for (const orderId of outbox.dropThrough(confirmed)) touched.add(orderId);
        meta.set('confirmedMutationId', String(confirmed));
        if (meta.getNumber('pushedMutationId') < confirmed)
          meta.set('pushedMutationId', String(confirmed));
      }
      overlay.rebuild(touched, now(), pageStates(stored));
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

  /**
   * One page asked for and decoded. A pull asks for `pullLimit` changes first; when the server
   * has more (a desk back online, the answers to its own large push, a first download), it is
   * catching up a backlog and asks for the rest in pages of the bootstrap's size: a tenth as
   * many round trips and transactions.
   */
  function fetchPage(cookie: string | null, catchingUp: boolean): Promise<PulledPage> {
    const limit = catchingUp ? bootstrapLimit : pullLimit;
    return decoder.pull(transport, { clientId, cookie, limit }, catchingUp);
  }

  async function pullUntilCaughtUp(): Promise<void> {
    let bootstrapping = meta.get('bootstrapped') !== '1';
    let next = fetchPage(meta.get('cookie'), bootstrapping);
    for (;;) {
      const page = await next;
      if (page.more) {
        // Asked for now and decoded while this page is written. If asking fails, this page is
        // still written first: the failure surfaces at the next turn, after it is stored.
        next = fetchPage(page.cookie, true);
        next.catch(() => {});
        // Lets the request go out (and a body already here reach the decoding thread) before
        // the write below holds this thread.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const alerts: DeskAlert[] = [];
      const touched = applyPage(page, alerts);
      checkpointer.wrote(page.size);
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
      bootstrapping = meta.get('bootstrapped') !== '1';
    }
  }

  return pullAll;
}
