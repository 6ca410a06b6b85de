import type { EscrowCommand } from '../../../shared/escrow/types.ts';
import type { ParsedInput } from '../../../shared/contract/types.ts';

/** Contract methods that become escrow commands, and the command each one builds. */
export type CommandMethod =
  | 'shipments.ship'
  | 'orders.annotate'
  | 'refunds.agree'
  | 'refunds.refuse'
  | 'refunds.confirmReturn'
  | 'refunds.resolveEscalation'
  | 'claims.requestSellerEvidence'
  | 'claims.submitSellerEvidence'
  | 'claims.decide'
  | 'claims.secondApproval';

const BUILDERS: { [M in CommandMethod]: (input: ParsedInput<M>) => EscrowCommand } = {
  'shipments.ship': (i) => ({
    type: 'ship',
    orderId: i.orderId,
    carrier: i.carrier,
    trackingNo: i.trackingNo,
  }),
  'orders.annotate': (i) => ({
    type: 'annotate_order',
    orderId: i.orderId,
    note: i.note,
    flag: i.flag,
  }),
  'refunds.agree': (i) => ({ type: 'agree_refund', orderId: i.orderId, refundId: i.refundId }),
  'refunds.refuse': (i) => ({
    type: 'refuse_refund',
    orderId: i.orderId,
    refundId: i.refundId,
    reason: i.reason,
    ...(i.evidence?.length ? { evidence: i.evidence } : {}),
  }),
  'refunds.confirmReturn': (i) => ({
    type: 'confirm_return',
    orderId: i.orderId,
    refundId: i.refundId,
  }),
  'refunds.resolveEscalation': (i) => ({
    type: 'resolve_escalation',
    orderId: i.orderId,
    refundId: i.refundId,
    outcome: i.outcome,
    ...(i.amountFen === undefined ? {} : { amountFen: i.amountFen }),
    note: i.note,
  }),
  'claims.requestSellerEvidence': (i) => ({
    type: 'request_seller_evidence',
    orderId: i.orderId,
    claimId: i.claimId,
  }),
  'claims.submitSellerEvidence': (i) => ({
    type: 'submit_seller_evidence',
    orderId: i.orderId,
    claimId: i.claimId,
    note: i.note,
    evidence: i.evidence,
  }),
  'claims.decide': (i) => ({
    type: 'decide_claim',
    orderId: i.orderId,
    claimId: i.claimId,
    decision: i.decision,
    ...(i.amountFen === undefined ? {} : { amountFen: i.amountFen }),
    reasonCode: i.reasonCode,
    note: i.note,
  }),
  'claims.secondApproval': (i) => ({
    type: 'second_approval',
    orderId: i.orderId,
    claimId: i.claimId,
    approve: i.approve,
    note: i.note,
  }),
};

/** The escrow command for a validated input, and the idempotency key the caller chose. */
export function commandFor<M extends CommandMethod>(
  method: M,
  input: ParsedInput<M>,
): { commandId: string; command: EscrowCommand } {
  const build: (typeof BUILDERS)[M] = BUILDERS[method];
  return { commandId: input.commandId, command: build(input) };
}
