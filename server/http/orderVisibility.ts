import type { Actor, OrderState } from '../../shared/escrow/types.ts';
import { isAgent, isSeller } from './requestActor.ts';

/**
 * Who may read an order: its buyer, its merchant's staff, and the platform's agents (who need
 * any order's context to judge a claim or an escalation).
 */
export function canSeeOrder(actor: Actor, order: OrderState): boolean {
  if (isAgent(actor)) return true;
  if (isSeller(actor))
    return actor.merchantId !== undefined && actor.merchantId === order.merchantId;
  if (actor.role === 'buyer') return actor.userId === order.buyerId;
  return false;
}

/** The same rule as a SQL filter over `orders`: a WHERE fragment and its parameters. */
export function orderScopeSql(
  actor: Actor,
  firstParam: number,
): { where: string; params: unknown[] } {
  if (isAgent(actor)) return { where: 'true', params: [] };
  if (isSeller(actor))
    return { where: `merchant_id = $${firstParam}`, params: [actor.merchantId ?? ''] };
  if (actor.role === 'buyer') return { where: `buyer_id = $${firstParam}`, params: [actor.userId] };
  return { where: 'false', params: [] };
}
