import type { Actor, EvidenceRef, OrderState } from '../../shared/escrow/types.ts';

/**
 * Who may fetch a file cited by a refund: the order's buyer, the staff of the order's merchant,
 * and agents once the refund is a case for them (escalated) or the order has a claim. Anyone
 * else gets the same answer as for a file that does not exist, so the answer never confirms
 * that another merchant's order, refund or file exists.
 */
export function refundFileFor(
  actor: Actor,
  order: OrderState | null,
  refundId: string,
  sha256: string,
): { file: EvidenceRef; from: 'buyer' | 'seller' } | null {
  if (!order) return null;
  const refund = order.refunds.find((r) => r.refundId === refundId);
  if (!refund) return null;
  const seller = actor.role === 'seller_staff' || actor.role === 'seller_admin';
  const agent = actor.role === 'agent' || actor.role === 'senior_agent';
  const allowed =
    (actor.role === 'buyer' && actor.userId === order.buyerId) ||
    (seller && actor.merchantId !== undefined && actor.merchantId === order.merchantId) ||
    (agent && (refund.escalatedAt !== undefined || order.claims.length > 0));
  if (!allowed) return null;
  const buyer = refund.buyerEvidence?.find((f) => f.sha256 === sha256);
  if (buyer) return { file: buyer, from: 'buyer' };
  const mine = refund.sellerEvidence?.find((f) => f.sha256 === sha256);
  return mine ? { file: mine, from: 'seller' } : null;
}
