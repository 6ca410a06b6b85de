import type { Currency, Fen } from '../money.ts';
import type { Recipient } from '../shipping/recipient.ts';

/**
 * The escrow domain as data: one aggregate per order, holding its refunds and claims, so that
 * every rule that touches an order's escrow is decided against one consistent state.
 * Times are epoch milliseconds taken from the authority's clock (the server's), never a desk's.
 */

export type GoodsKind = 'express' | 'surface' | 'virtual';

export type OrderStatus =
  | 'awaiting_payment'
  | 'funds_held'
  | 'shipped'
  | 'completed'
  | 'closed_unpaid'
  | 'refunded'
  | 'partially_refunded';

export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = [
  'completed',
  'closed_unpaid',
  'refunded',
  'partially_refunded',
];

export type RefundKind = 'refund_only' | 'return_and_refund';

export type RefundStatus =
  | 'requested' // waiting for the seller's answer (auto-approves when the seller is silent)
  | 'awaiting_return' // seller agreed to a return; the buyer ships the goods back
  | 'awaiting_seller_confirm' // goods on their way back; the seller confirms receipt
  | 'refused' // seller refused; the buyer may escalate within the window
  | 'escalated' // platform intervention: an agent decides
  | 'refunded'
  | 'closed'
  | 'cancelled';

export const OPEN_REFUND_STATUSES: readonly RefundStatus[] = [
  'requested',
  'awaiting_return',
  'awaiting_seller_confirm',
  'refused',
  'escalated',
];

export type ClaimStatus =
  | 'submitted'
  | 'awaiting_seller_evidence'
  | 'under_review'
  | 'info_requested'
  | 'awaiting_second_approval'
  | 'approved'
  | 'rejected';

export const OPEN_CLAIM_STATUSES: readonly ClaimStatus[] = [
  'submitted',
  'awaiting_seller_evidence',
  'under_review',
  'info_requested',
  'awaiting_second_approval',
];

export interface ItemInfo {
  title: string;
  quantity: number;
}

export interface Shipment {
  carrier: string;
  trackingNo: string;
  shippedAt: number;
}

export interface EvidenceRef {
  /** Content hash (sha-256, hex) of a file stored by the server. */
  sha256: string;
  name: string;
  sizeBytes: number;
  mime: string;
}

export interface RefundState {
  refundId: string;
  kind: RefundKind;
  amountFen: Fen;
  reason: string;
  status: RefundStatus;
  requestedAt: number;
  /** When the current step's timer fires (auto-approve, return window, …); null when none. */
  dueAt: number | null;
  refuseReason: string | null;
  returnShipment: Shipment | null;
  resolvedAt: number | null;
  /** The buyer's photos of the problem (absent when none were sent, and on older refunds). */
  buyerEvidence?: EvidenceRef[];
  /** What the seller attached to a refusal (images or PDF), for the agent if it is escalated. */
  sellerEvidence?: EvidenceRef[];
  /** When the buyer asked the platform to intervene; agents may read the refund's files since. */
  escalatedAt?: number;
}

export type ClaimDecisionKind = 'approve' | 'reject' | 'request_info';

export interface PendingApproval {
  amountFen: Fen;
  agentId: string;
  reasonCode: string;
  note: string;
  at: number;
}

export interface ClaimState {
  claimId: string;
  amountFen: Fen;
  reason: string;
  status: ClaimStatus;
  filedAt: number;
  dueAt: number | null;
  buyerEvidence: EvidenceRef[];
  sellerEvidence: EvidenceRef[];
  sellerNote: string | null;
  pendingApproval: PendingApproval | null;
  paidFen: Fen;
  source: 'escrow' | 'guarantee_fund' | null;
  decidedAt: number | null;
  decidedBy: string[];
  reasonCode: string | null;
}

/** The seller's coloured flag on an order (旗帜), as Taobao sellers sort their work. */
export const ORDER_FLAGS = ['red', 'yellow', 'green', 'blue', 'purple'] as const;
export type OrderFlag = (typeof ORDER_FLAGS)[number];

export interface OrderState {
  orderId: string;
  merchantId: string;
  buyerId: string;
  currency: Currency;
  amountFen: Fen;
  /** Fee rate captured when the order was made, so the release leg never depends on today's rate. */
  feeBps: number;
  goodsKind: GoodsKind;
  item: ItemInfo;
  /**
   * Who receives the parcel, given by the buyer at order time (absent on orders made before
   * recipients, and optional for virtual goods). Masked for seller staff (sellerView.ts).
   */
  recipient?: Recipient;
  status: OrderStatus;
  createdAt: number;
  payDeadlineAt: number;
  paidAt: number | null;
  bank: string | null;
  bankRef: string | null;
  shipByAt: number | null;
  shipment: Shipment | null;
  autoConfirmAt: number | null;
  /** Set while an open refund or claim pauses auto-confirm; the pause is added on resume. */
  autoConfirmPausedAt: number | null;
  extended: boolean;
  /** Money in this order's escrow account right now. */
  heldFen: Fen;
  releasedFen: Fen;
  feeFen: Fen;
  refundedFen: Fen;
  compensatedFen: Fen;
  completedAt: number | null;
  refunds: RefundState[];
  claims: ClaimState[];
  /**
   * The seller's private note (备注) and flag, set by the merchant's staff; buyers never see
   * them. Absent on orders no seller has annotated (and on states from before annotations).
   */
  sellerNote?: string;
  flag?: OrderFlag | null;
  /** Number of events applied; the optimistic-concurrency version of the aggregate. */
  version: number;
}

// ---------------------------------------------------------------------------------------------
// Commands: what somebody asks for. The rules answer with events or a rejection.

export type EscrowCommand =
  | {
      type: 'create_order';
      orderId: string;
      merchantId: string;
      buyerId: string;
      currency: Currency;
      amountFen: Fen;
      feeBps: number;
      goodsKind: GoodsKind;
      item: ItemInfo;
      recipient?: Recipient;
    }
  | {
      type: 'confirm_payment';
      orderId: string;
      bank: string;
      bankRef: string;
      currency: Currency;
      amountFen: Fen;
    }
  | { type: 'ship'; orderId: string; carrier: string; trackingNo: string }
  | { type: 'confirm_receipt'; orderId: string }
  | { type: 'extend_receipt'; orderId: string }
  | {
      type: 'request_refund';
      orderId: string;
      refundId: string;
      kind: RefundKind;
      amountFen: Fen;
      reason: string;
      /** Photos of the problem, uploaded to /v1/evidence first (raster images only). */
      evidence?: EvidenceRef[];
    }
  | { type: 'annotate_order'; orderId: string; note: string; flag: OrderFlag | null }
  | { type: 'agree_refund'; orderId: string; refundId: string }
  | {
      type: 'refuse_refund';
      orderId: string;
      refundId: string;
      reason: string;
      /** Evidence for the refusal (images or PDF), uploaded first; commits with the refusal. */
      evidence?: EvidenceRef[];
    }
  | { type: 'ship_return'; orderId: string; refundId: string; carrier: string; trackingNo: string }
  | { type: 'confirm_return'; orderId: string; refundId: string }
  | { type: 'cancel_refund'; orderId: string; refundId: string }
  | { type: 'escalate_refund'; orderId: string; refundId: string }
  | {
      type: 'resolve_escalation';
      orderId: string;
      refundId: string;
      outcome: 'refund' | 'close';
      /** With outcome 'refund': the amount the platform grants, at most the requested amount. */
      amountFen?: Fen;
      note: string;
    }
  | {
      type: 'file_claim';
      orderId: string;
      claimId: string;
      amountFen: Fen;
      reason: string;
      evidence: EvidenceRef[];
    }
  | { type: 'request_seller_evidence'; orderId: string; claimId: string }
  | {
      type: 'submit_seller_evidence';
      orderId: string;
      claimId: string;
      note: string;
      evidence: EvidenceRef[];
    }
  | {
      type: 'decide_claim';
      orderId: string;
      claimId: string;
      decision: ClaimDecisionKind;
      /** With 'approve': the compensation, up to the claim's amount (full or partial). */
      amountFen?: Fen;
      reasonCode: string;
      note: string;
    }
  | {
      type: 'second_approval';
      orderId: string;
      claimId: string;
      approve: boolean;
      note: string;
    }
  | {
      type: 'provide_claim_info';
      orderId: string;
      claimId: string;
      note: string;
      evidence: EvidenceRef[];
    }
  /** Applies every timer that is due at `now`; yields no events when nothing is due. */
  | { type: 'advance_timers'; orderId: string };

export type EscrowCommandType = EscrowCommand['type'];

/** Every command type, for validation and for tests that generate commands. */
export const ESCROW_COMMAND_TYPES = [
  'create_order',
  'confirm_payment',
  'ship',
  'confirm_receipt',
  'extend_receipt',
  'request_refund',
  'annotate_order',
  'agree_refund',
  'refuse_refund',
  'ship_return',
  'confirm_return',
  'cancel_refund',
  'escalate_refund',
  'resolve_escalation',
  'file_claim',
  'request_seller_evidence',
  'submit_seller_evidence',
  'decide_claim',
  'second_approval',
  'provide_claim_info',
  'advance_timers',
] as const satisfies readonly EscrowCommandType[];

// Fails to compile when a command type is added to the union but not to the list.
const _everyCommandListed: Exclude<
  EscrowCommandType,
  (typeof ESCROW_COMMAND_TYPES)[number]
> extends never
  ? true
  : false = true;

export type Role =
  | 'seller_staff'
  | 'seller_admin'
  | 'agent'
  | 'senior_agent'
  | 'buyer'
  | 'finance'
  | 'bank'
  | 'system';

export interface Actor {
  role: Role;
  /** User id; for the bank and the system a fixed name such as "bank:icbc" or "system:timers". */
  userId: string;
  /** Set for seller roles: the merchant whose data they may touch. */
  merchantId?: string;
}

export interface CommandEnvelope {
  /** Client-made idempotency key (UUIDv7): the same id applied twice yields the first result. */
  commandId: string;
  actor: Actor;
  command: EscrowCommand;
}

// ---------------------------------------------------------------------------------------------
// Events: what happened. `evolve` folds them into state; the ledger derives postings from them.

export type EscrowResolutionKind = 'release' | 'refund' | 'split';

export type EscrowEvent =
  | {
      type: 'order_created';
      at: number;
      orderId: string;
      merchantId: string;
      buyerId: string;
      currency: Currency;
      amountFen: Fen;
      feeBps: number;
      goodsKind: GoodsKind;
      item: ItemInfo;
      recipient?: Recipient;
      payDeadlineAt: number;
    }
  | {
      type: 'payment_confirmed';
      at: number;
      bank: string;
      bankRef: string;
      amountFen: Fen;
      shipByAt: number;
    }
  | { type: 'order_closed_unpaid'; at: number }
  | { type: 'order_annotated'; at: number; note: string; flag: OrderFlag | null }
  | {
      type: 'order_shipped';
      at: number;
      carrier: string;
      trackingNo: string;
      autoConfirmAt: number;
    }
  | { type: 'receipt_extended'; at: number; autoConfirmAt: number }
  | { type: 'auto_confirm_paused'; at: number }
  | { type: 'auto_confirm_resumed'; at: number; autoConfirmAt: number }
  | {
      /** The one and only resolution of the order's escrow hold. */
      type: 'escrow_resolved';
      at: number;
      resolution: EscrowResolutionKind;
      toBuyerFen: Fen;
      toMerchantFen: Fen;
      feeFen: Fen;
      cause: 'buyer_confirmed' | 'auto_confirmed' | 'refund' | 'claim';
      refundId?: string;
      claimId?: string;
    }
  | {
      type: 'refund_requested';
      at: number;
      refundId: string;
      kind: RefundKind;
      amountFen: Fen;
      reason: string;
      dueAt: number;
      /** Absent when the buyer sent no photos (and on events from before photos). */
      evidence?: EvidenceRef[];
    }
  | { type: 'refund_agreed'; at: number; refundId: string; auto: boolean; dueAt: number | null }
  | {
      type: 'refund_refused';
      at: number;
      refundId: string;
      reason: string;
      dueAt: number;
      /** Absent when the seller attached nothing. */
      evidence?: EvidenceRef[];
    }
  | {
      type: 'return_shipped';
      at: number;
      refundId: string;
      carrier: string;
      trackingNo: string;
      dueAt: number;
    }
  | { type: 'refund_escalated'; at: number; refundId: string }
  | { type: 'refund_cancelled'; at: number; refundId: string }
  | {
      type: 'refund_closed';
      at: number;
      refundId: string;
      why: 'return_not_shipped' | 'not_escalated' | 'platform_decided';
    }
  | { type: 'refund_completed'; at: number; refundId: string; amountFen: Fen; auto: boolean }
  | {
      type: 'claim_filed';
      at: number;
      claimId: string;
      amountFen: Fen;
      reason: string;
      evidence: EvidenceRef[];
    }
  | { type: 'claim_evidence_requested'; at: number; claimId: string; dueAt: number }
  | {
      type: 'seller_evidence_submitted';
      at: number;
      claimId: string;
      note: string;
      evidence: EvidenceRef[];
    }
  | {
      type: 'claim_under_review';
      at: number;
      claimId: string;
      why: 'evidence_submitted' | 'evidence_overdue' | 'info_provided' | 'info_overdue';
    }
  | {
      type: 'claim_info_requested';
      at: number;
      claimId: string;
      agentId: string;
      note: string;
      dueAt: number;
    }
  | {
      type: 'claim_info_provided';
      at: number;
      claimId: string;
      note: string;
      evidence: EvidenceRef[];
    }
  | {
      type: 'claim_approval_requested';
      at: number;
      claimId: string;
      amountFen: Fen;
      agentId: string;
      reasonCode: string;
      note: string;
      /** Which maker-checker limit asked for the second approval (absent on older events). */
      why?: SecondApprovalReason;
    }
  | {
      type: 'claim_approved';
      at: number;
      claimId: string;
      amountFen: Fen;
      source: 'escrow' | 'guarantee_fund';
      agentIds: string[];
      reasonCode: string;
      note: string;
    }
  | {
      type: 'claim_second_approval_refused';
      at: number;
      claimId: string;
      agentId: string;
      note: string;
    }
  | {
      type: 'claim_rejected';
      at: number;
      claimId: string;
      agentId: string;
      reasonCode: string;
      note: string;
    }
  | {
      /** Paid from the guarantee fund when the escrow was already released; recovery follows. */
      type: 'compensation_paid';
      at: number;
      claimId: string;
      amountFen: Fen;
    };

export type EscrowEventType = EscrowEvent['type'];

/** Every event type, for what must name each one (timeline labels in the desk's catalogs). */
export const ESCROW_EVENT_TYPES = [
  'order_created',
  'payment_confirmed',
  'order_shipped',
  'receipt_extended',
  'escrow_resolved',
  'order_closed_unpaid',
  'order_annotated',
  'auto_confirm_paused',
  'auto_confirm_resumed',
  'refund_requested',
  'refund_agreed',
  'refund_refused',
  'refund_cancelled',
  'refund_escalated',
  'return_shipped',
  'refund_completed',
  'refund_closed',
  'claim_filed',
  'claim_under_review',
  'claim_evidence_requested',
  'seller_evidence_submitted',
  'claim_info_requested',
  'claim_info_provided',
  'claim_approval_requested',
  'claim_second_approval_refused',
  'claim_approved',
  'claim_rejected',
  'compensation_paid',
] as const satisfies readonly EscrowEventType[];

// Fails to compile when an event type is added to the union but not to the list.
const _everyEventListed: Exclude<EscrowEventType, (typeof ESCROW_EVENT_TYPES)[number]> extends never
  ? true
  : false = true;

/** Why an approval waits for a second senior agent (claimRules.ts, `secondApprovalReason`). */
export type SecondApprovalReason = 'order_exposure' | 'buyer_window' | 'follow_up_claim';

/**
 * What the rules may know beyond the order itself. The server fills `exposure` from its
 * database; a desk deciding against its replica leaves it out (it cannot see the buyer's
 * other orders), so its answer is provisional and the server's is the one that counts.
 */
export interface DecisionExposure {
  /**
   * Compensation to the same buyer on their OTHER orders, from claims filed in the last
   * `policy.buyerWindowMs` before `now`: paid plus pending second approval, in fen.
   */
  buyerWindowFen: number;
}

export interface DecideContext {
  now: number;
  actor: Actor;
  exposure?: DecisionExposure;
}
