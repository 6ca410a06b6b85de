import type { OrderState, RefundState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { displayedStateSql } from '../sync/overlayPatch.ts';

export interface EscalatedRefund {
  order: OrderState;
  refund: RefundState;
}

/**
 * Refunds waiting for the platform, oldest escalation first, from an agent's replica: the server
 * syncs an order to agents once a refund on it is escalated (server/sync/syncScope.ts), so the
 * set is the agents' open escalations and stays small; the JSON is read in SQLite only to pick
 * the rows. Displayed state: the provisional one where this desk has pending actions.
 */
export function escalatedRefunds(db: Db): EscalatedRefund[] {
  const rows = db
    .prepare<[], { state_json: string }>(
      `SELECT state_json FROM (
         SELECT ${displayedStateSql('s', 'p')} AS state_json
           FROM (SELECT order_id FROM sync_orders UNION SELECT order_id FROM sync_provisional_orders) o
           LEFT JOIN sync_provisional_orders p ON p.order_id = o.order_id
           LEFT JOIN sync_orders s ON s.order_id = o.order_id)
        WHERE EXISTS (SELECT 1 FROM json_each(state_json, '$.refunds') r
                       WHERE json_extract(r.value, '$.status') = 'escalated')`,
    )
    .all();
  const out: EscalatedRefund[] = [];
  for (const row of rows) {
    const order = JSON.parse(row.state_json) as OrderState;
    for (const refund of order.refunds)
      if (refund.status === 'escalated') out.push({ order, refund });
  }
  return out.sort(
    (a, b) =>
      (a.refund.escalatedAt ?? a.refund.requestedAt) -
        (b.refund.escalatedAt ?? b.refund.requestedAt) ||
      a.order.orderId.localeCompare(b.order.orderId),
  );
}
