import type { Fen } from '../money.ts';
import { reject } from './decision.ts';
import { refundToBuyer } from './escrowResolution.ts';
import { claimableFen, openClaim } from './openItems.ts';
import type { EscrowPolicy } from './policy.ts';
import type {
  Actor,
  ClaimState,
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

export function decideClaim(
  state: OrderState,
  cmd: Cmd<'decide_claim'>,
  actor: Actor,
  now: number,
  policy: EscrowPolicy,
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
  if (amountFen > policy.secondApprovalThresholdFen) {
    // Maker-checker: a large payout waits for a second, different senior agent.
    return [
      {
        type: 'claim_approval_requested',
        at: now,
        claimId: c.claimId,
        amountFen,
        agentId: actor.userId,
        reasonCode: cmd.reasonCode,
        note: cmd.note,
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
