import type { Actor } from '../../../shared/escrow/types.ts';
import { garbledAnswer } from '../../net/serverClient.ts';
import type { Db } from '../store/openDatabase.ts';
import type { PulledPage } from './pulledPage.ts';

/**
 * A pulled page checked against what its desk's user may see, before any of it is stored: a
 * seller desk holds its merchant's orders, and the journal rows of those orders or of the
 * merchant's own accounts (docs/sync.md "Visibility"), nothing else. The server decides the
 * scope; this is the desk refusing to store and show another merchant's orders or money when a
 * faulty server, or something between, sends them anyway. A page that fails is a garbled
 * answer (serverClient.ts): nothing of it is stored and the pull is asked again.
 *
 * An agents' scope (orders that have had a claim or an escalated refund) is not checked here:
 * whether an order is in it depends on timeline entries the page may not carry.
 *
 * A journal row or timeline entry names its order after the order's own change: an order is
 * created by a command of its own, with no money moved, and a command's timeline entries follow
 * its order's change in the log (batchEngine.ts), so the order is on this page or stored.
 */
export type PageScopeCheck = (page: PulledPage) => void;

export function createPageScopeCheck(db: Db, actor: Actor): PageScopeCheck {
  const seller = actor.role === 'seller_staff' || actor.role === 'seller_admin';
  const merchantId = actor.merchantId;
  if (!seller || merchantId === undefined) return () => {};
  const stored = db.prepare<[string], { x: number }>(
    'SELECT 1 AS x FROM sync_orders WHERE order_id = ?',
  );
  const ownAccount = `merchant:${merchantId}:`;
  return (page) => {
    // The page's orders, and stored ones once looked up (an order has several rows a page).
    const held = new Set<string>();
    const holds = (orderId: string) => {
      if (held.has(orderId)) return true;
      if (stored.get(orderId) === undefined) return false;
      held.add(orderId);
      return true;
    };
    for (const row of page.orders) {
      if (row[1] !== merchantId) throw outOfScope(`order ${row[0]} of another merchant`);
      held.add(row[0]);
    }
    for (const row of page.txns) {
      const orderId = row[7];
      const moves = row[11];
      const inScope =
        orderId === null
          ? moves.some((m, i) => i % 2 === 0 && (m as string).startsWith(ownAccount))
          : holds(orderId);
      if (!inScope) throw outOfScope(`journal row ${row[2]} of no order of this merchant`);
    }
    for (const row of page.events)
      if (!holds(row[0]))
        throw outOfScope(`timeline entry of ${row[0]}, no order of this merchant`);
  };
}

const outOfScope = (what: string) => garbledAnswer(`answer outside this desk's scope: ${what}`);
