import type { Actor, OrderState } from '../../../shared/escrow/types.ts';
import { garbledAnswer } from '../../net/serverClient.ts';
import type { Db } from '../store/openDatabase.ts';
import type { PulledPage } from './pulledPage.ts';

/**
 * A pulled page checked against what its desk's user may see, before any of it is stored
 * (docs/sync.md "Visibility"). The server decides the scope; this is the desk refusing to store
 * and show orders or money outside it when a faulty server, or something between, sends them
 * anyway. A page that fails is a garbled answer (serverClient.ts): nothing of it is stored and
 * the pull is asked again.
 *
 * - A seller desk holds its merchant's orders, and the journal rows of those orders or of the
 *   merchant's own accounts.
 * - An agents' desk holds orders that have had a claim or an escalated refund (their state
 *   keeps both: claims are never removed, and an escalated refund keeps `escalatedAt`, the
 *   server's own test for an agent reading its files), and their journal rows. An order that
 *   enters the scope brings its earlier states along on the same page (the server's back-fill),
 *   so an order is in scope when any of its states on the page, or its stored copy, shows it.
 *
 * A journal row or timeline entry names its order after the order's own change: an order is
 * created by a command of its own, with no money moved, and a command's timeline entries follow
 * its order's change in the log (batchEngine.ts), so the order is on this page or stored.
 */
export type PageScopeCheck = (page: PulledPage) => void;

export function createPageScopeCheck(db: Db, actor: Actor): PageScopeCheck {
  const seller = actor.role === 'seller_staff' || actor.role === 'seller_admin';
  const agent = actor.role === 'agent' || actor.role === 'senior_agent';
  const merchantId = actor.merchantId;
  if (!(seller && merchantId !== undefined) && !agent) return () => {};
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
    if (seller) {
      for (const row of page.orders) {
        if (row[1] !== merchantId) throw outOfScope(`order ${row[0]} of another merchant`);
        held.add(row[0]);
      }
    } else {
      const shown = new Set<string>();
      for (const row of page.orders)
        if (disputed(JSON.parse(row[5]) as OrderState)) shown.add(row[0]);
      for (const row of page.orders) {
        if (!shown.has(row[0]) && !holds(row[0]))
          throw outOfScope(`order ${row[0]} with no claim or escalated refund`);
        held.add(row[0]);
      }
    }
    for (const row of page.txns) {
      const orderId = row[7];
      const moves = row[11];
      const inScope =
        orderId === null
          ? seller && moves.some((m, i) => i % 2 === 0 && (m as string).startsWith(ownAccount))
          : holds(orderId);
      if (!inScope) throw outOfScope(`journal row ${row[2]} of no order in scope`);
    }
    for (const row of page.events)
      if (!holds(row[0])) throw outOfScope(`timeline entry of ${row[0]}, no order in scope`);
  };
}

/** Whether an order is in the agents' scope by its state: a claim, or an escalated refund. */
function disputed(order: OrderState): boolean {
  return order.claims.length > 0 || order.refunds.some((r) => r.escalatedAt !== undefined);
}

const outOfScope = (what: string) => garbledAnswer(`answer outside this desk's scope: ${what}`);
