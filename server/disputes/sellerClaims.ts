import type { ClaimStatus, EvidenceRef } from '../../shared/escrow/types.ts';
import type { Queryable } from '../db/database.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import type { CaseMessage } from './caseMessages.ts';
import { readMessages } from './caseMessages.ts';

/**
 * The seller's side of claims: the claims against their own merchant, what the buyer says, the
 * deadline for their evidence and what they already sent. Internal notes, assignments, the
 * audit trail and the buyer's files are the platform's and never appear here; the desk's
 * messages to the seller do.
 */
export interface SellerClaim {
  claimId: string;
  orderId: string;
  itemTitle: string;
  orderAmountFen: number;
  status: ClaimStatus;
  amountFen: number;
  reason: string;
  filedAt: number;
  /** The seller's evidence deadline while the claim waits for it. */
  evidenceDueAt: number | null;
  buyerEvidenceCount: number;
  sellerEvidence: EvidenceRef[];
  sellerNote: string | null;
  paidFen: number;
  decidedAt: number | null;
  /** What the dispute desk wrote to the seller about this claim, oldest first. */
  messages: CaseMessage[];
}

export async function listSellerClaims(db: Queryable, merchantId: string): Promise<SellerClaim[]> {
  const r = await db.query<{ claim_id: string; state: OrderState }>(
    `SELECT c.claim_id, o.state FROM dispute_cases c JOIN orders o ON o.order_id = c.order_id
      WHERE c.merchant_id = $1 AND o.merchant_id = $1 ORDER BY c.filed_at DESC LIMIT 500`,
    [merchantId],
  );
  const messages = await readMessages(
    db,
    r.rows.map((row) => row.claim_id),
    'seller',
  );
  const out: SellerClaim[] = [];
  for (const { claim_id, state } of r.rows) {
    const c = state.claims.find((x) => x.claimId === claim_id);
    if (!c) continue;
    out.push({
      claimId: c.claimId,
      orderId: state.orderId,
      itemTitle: state.item.title,
      orderAmountFen: state.amountFen,
      status: c.status,
      amountFen: c.amountFen,
      reason: c.reason,
      filedAt: c.filedAt,
      evidenceDueAt: c.status === 'awaiting_seller_evidence' ? c.dueAt : null,
      buyerEvidenceCount: c.buyerEvidence.length,
      sellerEvidence: c.sellerEvidence,
      sellerNote: c.sellerNote,
      paidFen: c.paidFen,
      decidedAt: c.decidedAt,
      messages: messages.filter((m) => m.claimId === c.claimId),
    });
  }
  return out;
}
