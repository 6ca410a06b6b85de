import type { Fen } from '../money.ts';
import { reject } from './decision.ts';
import { refundToBuyer } from './escrowResolution.ts';
import { claimableFen, openClaim } from './openItems.ts';
import type { EscrowPolicy } from './policy.ts';
import type {
  Actor,
  ClaimState,
  DecisionExposure,
  SecondApprovalReason,
  ClaimStatus,
  EscrowCommand,
  EscrowEvent,
  OrderState,
  OrderStatus,
} from './types.ts';
import { OPEN_REFUND_STATUSES } from './types.ts';

/** Fraud claims: filed by the buyer, reviewed by agents, paid in full once verified. */

type Cmd<T extends EscrowCommand['type']> = Extract<EscrowCommand, { type: T }>;

/** Orders whose buyer actually paid; an unpaid or fully refunded order has nothing to claim. */
const CLAIMABLE_ORDER_STATUSES: readonly OrderStatus[] = [
  'funds_held',
  'shipped',
  'completed',
  'partially_refunded',
];

function findClaim(
  state: OrderState,
  claimId: string,
  allowed: readonly ClaimStatus[],
): ClaimState {
  const c = state.claims.find((x) => x.claimId === claimId);
  if (!c) return reject('claim_not_found', `no claim ${claimId} on this order`);
  if (!allowed.includes(c.status)) {
    reject('invalid_state', `claim ${claimId} is ${c.status}; this needs ${allowed.join(' or ')}`);
  }
  return c;
}

function beforeDue(c: ClaimState, now: number, what: string): void {
  if (c.dueAt !== null && now >= c.dueAt) reject('invalid_state', `the time to ${what} has passed`);
}

function checkAmount(state: OrderState, claim: ClaimState, amountFen: Fen): void {
  if (amountFen > claim.amountFen) {
    reject('invalid_amount', `the claim is for ${claim.amountFen} fen; cannot grant more`);
  }
  // Refunds or other compensation may have been paid since the claim was filed.
  if (amountFen > claimableFen(state)) {
    reject(
      'claim_amount_exceeds_order',
      `only ${claimableFen(state)} fen of the order is unpaid back`,
    );
  }
}

export function fileClaim(
  state: OrderState,
  cmd: Cmd<'file_claim'>,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  if (!CLAIMABLE_ORDER_STATUSES.includes(state.status) || state.paidAt === null) {
    reject('invalid_state', `a claim needs a paid order; the order is ${state.status}`);
  }
  if (state.claims.some((c) => c.claimId === cmd.claimId)) {
    reject('claim_exists', `claim ${cmd.claimId} already exists`);
  }
  if (openClaim(state)) reject('claim_open', 'another claim on this order is still open');
  if (now >= state.paidAt + policy.claimWindowMs) {
    reject('claim_window_closed', 'claims are accepted only within the claim window after payment');
  }
  if (cmd.amountFen > claimableFen(state)) {
    reject('claim_amount_exceeds_order', `at most ${claimableFen(state)} fen can be claimed`);
  }
  return [
    {
      type: 'claim_filed',
      at: now,
      claimId: cmd.claimId,
      amountFen: cmd.amountFen,
      reason: cmd.reason,
      evidence: cmd.evidence.map((e) => ({ ...e })),
    },
  ];
}

export function requestSellerEvidence(
  state: OrderState,
  claimId: string,
  now: number,
  policy: EscrowPolicy,
): EscrowEvent[] {
  const c = findClaim(state, claimId, ['submitted']);
  return [
    {
      type: 'claim_evidence_requested',
      at: now,
      claimId: c.claimId,
      dueAt: now + policy.sellerEvidenceMs,
    },
  ];
}

export function submitSellerEvidence(
  state: OrderState,
  cmd: Cmd<'submit_seller_evidence'>,
  now: number,
): EscrowEvent[] {
  const c = findClaim(state, cmd.claimId, ['awaiting_seller_evidence']);
  beforeDue(c, now, 'submit evidence');
  return [
    {
      type: 'seller_evidence_submitted',
      at: now,
      claimId: c.claimId,
      note: cmd.note,
      evidence: cmd.evidence.map((e) => ({ ...e })),
    },
    { type: 'claim_under_review', at: now, claimId: c.claimId, why: 'evidence_submitted' },
  ];
}

export function provideClaimInfo(
  state: OrderState,
  cmd: Cmd<'provide_claim_info'>,
  now: number,
): EscrowEvent[] {
  const c = findClaim(state, cmd.claimId, ['info_requested']);
  beforeDue(c, now, 'provide information');
  return [
    {
      type: 'claim_info_provided',
      at: now,
      claimId: c.claimId,
      note: cmd.note,
      evidence: cmd.evidence.map((e) => ({ ...e })),
    },
    { type: 'claim_under_review', at: now, claimId: c.claimId, why: 'info_provided' },
  ];
}

/**
 * Pays an approved claim: from the escrow while the money is still held (which also ends any
 * open refund, since the hold is resolved once), otherwise from the guarantee fund.
 */
function approve(
  state: OrderState,
  claim: ClaimState,
  amountFen: Fen,
  agentIds: string[],
  reasonCode: string,
  note: string,
  now: number,
): EscrowEvent[] {
  checkAmount(state, claim, amountFen);
  const fromEscrow = state.heldFen > 0;
  const events: EscrowEvent[] = [
    {
      type: 'claim_approved',
      at: now,
      claimId: claim.claimId,
      amountFen,
      source: fromEscrow ? 'escrow' : 'guarantee_fund',
      agentIds,
      reasonCode,
      note,
    },
  ];
  if (!fromEscrow) {
    events.push({ type: 'compensation_paid', at: now, claimId: claim.claimId, amountFen });
    return events;
  }
  for (const r of state.refunds) {
    if (OPEN_REFUND_STATUSES.includes(r.status)) {
      events.push({
        type: 'refund_closed',
        at: now,
        refundId: r.refundId,
        why: 'platform_decided',
      });
    }
  }
  events.push(refundToBuyer(state, amountFen, now, { claimId: claim.claimId }));
  return events;
}

/** Compensation already granted or awaiting a second approval on this order, other claims. */
function orderExposureFen(state: OrderState, except: ClaimState): Fen {
  let fen = 0;
  for (const x of state.claims) {
    if (x.claimId === except.claimId) continue;
    fen += x.paidFen + (x.pendingApproval?.amountFen ?? 0);
  }
  return fen;
}

/**
 * Maker-checker on cumulative exposure, not per decision (DESIGN.md "Security rules"): splitting
 * one loss into several claims below the threshold must not avoid the second approver. An
 * approval of `amountFen` on claim `c` needs a second, different senior agent when
 * - all compensation on the order (paid + pending on other claims + this) exceeds
 *   `policy.secondApprovalThresholdFen` (`order_exposure`);
 * - the buyer's compensation in the rolling window (`exposure.buyerWindowFen`, their other
 *   orders, supplied by the server) plus this order's exceeds `policy.buyerWindowThresholdFen`
 *   (`buyer_window`);
 * - the order already had a claim (a follow-up claim) and the deciding agent is not a senior
 *   agent (`follow_up_claim`).
 * Null when one agent may approve alone.
 */
export function secondApprovalReason(
  state: OrderState,
  c: ClaimState,
  amountFen: Fen,
  actor: Actor,
  policy: EscrowPolicy,
  exposure: DecisionExposure | undefined,
): SecondApprovalReason | null {
  const onOrder = orderExposureFen(state, c) + amountFen;
  if (onOrder > policy.secondApprovalThresholdFen) return 'order_exposure';
  if ((exposure?.buyerWindowFen ?? 0) + onOrder > policy.buyerWindowThresholdFen)
    return 'buyer_window';
  const followUp = state.claims.some((x) => x.claimId !== c.claimId && x.filedAt <= c.filedAt);
  if (followUp && actor.role !== 'senior_agent') return 'follow_up_claim';
  return null;
}

export function decideClaim(
  state: OrderState,
  cmd: Cmd<'decide_claim'>,
  actor: Actor,
  now: number,
  policy: EscrowPolicy,
  exposure?: DecisionExposure,
): EscrowEvent[] {
  const c = findClaim(state, cmd.claimId, [
    'submitted',
    'under_review',
    'awaiting_seller_evidence',
  ]);
  if (cmd.decision === 'reject') {
    return [
      {
        type: 'claim_rejected',
        at: now,
        claimId: c.claimId,
        agentId: actor.userId,
        reasonCode: cmd.reasonCode,
        note: cmd.note,
      },
    ];
  }
  if (cmd.decision === 'request_info') {
    return [
      {
        type: 'claim_info_requested',
        at: now,
        claimId: c.claimId,
        agentId: actor.userId,
        note: cmd.note,
        dueAt: now + policy.infoRequestMs,
      },
    ];
  }
  const amountFen = cmd.amountFen ?? c.amountFen;
  checkAmount(state, c, amountFen);
  const why = secondApprovalReason(state, c, amountFen, actor, policy, exposure);
  if (why) {
    // Maker-checker: this payout waits for a second, different senior agent.
    return [
      {
        type: 'claim_approval_requested',
        at: now,
        claimId: c.claimId,
        amountFen,
        agentId: actor.userId,
        reasonCode: cmd.reasonCode,
        note: cmd.note,
        why,
      },
    ];
  }
  return approve(state, c, amountFen, [actor.userId], cmd.reasonCode, cmd.note, now);
}

export function secondApproval(
  state: OrderState,
  cmd: Cmd<'second_approval'>,
  actor: Actor,
  now: number,
): EscrowEvent[] {
  const c = state.claims.find((x) => x.claimId === cmd.claimId);
  if (!c) return reject('claim_not_found', `no claim ${cmd.claimId} on this order`);
  const pending = c.pendingApproval;
  if (c.status !== 'awaiting_second_approval' || !pending) {
    return reject(
      'approval_not_pending',
      `claim ${c.claimId} is not waiting for a second approval`,
    );
  }
  if (actor.role !== 'senior_agent') reject('forbidden', 'a second approval needs a senior agent');
  if (actor.userId === pending.agentId) {
    reject('second_approver_must_differ', 'the second approver must not be the first');
  }
  // The checker's reasons are part of the record the money moved on; "ok" alone is no check.
  if (cmd.note.trim() === '') reject('note_required', 'a second approval needs a note');
  if (!cmd.approve) {
    return [
      {
        type: 'claim_second_approval_refused',
        at: now,
        claimId: c.claimId,
        agentId: actor.userId,
        note: cmd.note,
      },
    ];
  }
  const note = cmd.note === '' ? pending.note : `${pending.note}\n${cmd.note}`;
  return approve(
    state,
    c,
    pending.amountFen,
    [pending.agentId, actor.userId],
    pending.reasonCode,
    note,
    now,
  );
}
