import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { account } from '../../shared/ledger/accounts.ts';

/**
 * Who may see what through sync (docs/sync.md "Visibility"): a seller role sees its merchant's
 * orders and the journal rows of those orders or of `merchant:<id>:*`; an agent sees the orders
 * that have a claim or an escalated refund and their journal rows; nobody else syncs.
 */
export type SyncScope = { kind: 'merchant'; merchantId: string } | { kind: 'agent' };

export function syncScopeOf(actor: Actor): SyncScope {
  if ((actor.role === 'seller_staff' || actor.role === 'seller_admin') && actor.merchantId) {
    return { kind: 'merchant', merchantId: actor.merchantId };
  }
  if (actor.role === 'agent' || actor.role === 'senior_agent') return { kind: 'agent' };
  throw new DeskError('forbidden', `role ${actor.role} does not sync`);
}

/** SQL predicate over `orders o` for an agent: the order has a claim or an escalated refund. */
export const AGENT_ORDER_PREDICATE = `(jsonb_array_length(o.state->'claims') > 0
  OR (o.state->'refunds') @> '[{"status":"escalated"}]'::jsonb)`;

/** The merchant's own accounts (the chart has exactly these two per merchant). */
export function merchantAccounts(merchantId: string): string[] {
  return [account.merchantAvailable(merchantId), account.merchantDeposit(merchantId)];
}
