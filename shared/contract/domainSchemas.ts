import { z } from 'zod';
import {
  countField,
  currencyField,
  epochMsField,
  fenField,
  goodsKindField,
  idField,
  orderStatusField,
  roleField,
  signedFenField,
} from './fields.ts';

/**
 * Output shapes: what the core hands back across the boundary. These are plain `z.object`s (not
 * strict) on purpose: unknown keys are stripped, so a field the core adds internally never leaks
 * to the renderer until the contract names it.
 */

const shipment = z.object({ carrier: z.string(), trackingNo: z.string(), shippedAt: epochMsField });
const evidence = z.object({
  sha256: z.string(),
  name: z.string(),
  sizeBytes: countField,
  mime: z.string(),
});

export const refundSchema = z.object({
  refundId: z.string(),
  kind: z.enum(['refund_only', 'return_and_refund']),
  amountFen: fenField,
  reason: z.string(),
  status: z.enum([
    'requested',
    'awaiting_return',
    'awaiting_seller_confirm',
    'refused',
    'escalated',
    'refunded',
    'closed',
    'cancelled',
  ]),
  requestedAt: epochMsField,
  dueAt: epochMsField.nullable(),
  refuseReason: z.string().nullable(),
  returnShipment: shipment.nullable(),
  resolvedAt: epochMsField.nullable(),
});

export const claimSchema = z.object({
  claimId: z.string(),
  amountFen: fenField,
  reason: z.string(),
  status: z.enum([
    'submitted',
    'awaiting_seller_evidence',
    'under_review',
    'info_requested',
    'awaiting_second_approval',
    'approved',
    'rejected',
  ]),
  filedAt: epochMsField,
  dueAt: epochMsField.nullable(),
  buyerEvidence: z.array(evidence),
  sellerEvidence: z.array(evidence),
  sellerNote: z.string().nullable(),
  pendingApproval: z
    .object({
      amountFen: fenField,
      agentId: z.string(),
      reasonCode: z.string(),
      note: z.string(),
      at: epochMsField,
    })
    .nullable(),
  paidFen: fenField,
  source: z.enum(['escrow', 'guarantee_fund']).nullable(),
  decidedAt: epochMsField.nullable(),
  decidedBy: z.array(z.string()),
  reasonCode: z.string().nullable(),
});

export const orderSchema = z.object({
  orderId: z.string(),
  merchantId: z.string(),
  buyerId: z.string(),
  currency: currencyField,
  amountFen: fenField,
  feeBps: countField,
  goodsKind: goodsKindField,
  item: z.object({ title: z.string(), quantity: countField }),
  status: orderStatusField,
  createdAt: epochMsField,
  payDeadlineAt: epochMsField,
  paidAt: epochMsField.nullable(),
  bank: z.string().nullable(),
  bankRef: z.string().nullable(),
  shipByAt: epochMsField.nullable(),
  shipment: shipment.nullable(),
  autoConfirmAt: epochMsField.nullable(),
  autoConfirmPausedAt: epochMsField.nullable(),
  extended: z.boolean(),
  heldFen: fenField,
  releasedFen: fenField,
  feeFen: fenField,
  refundedFen: fenField,
  compensatedFen: fenField,
  completedAt: epochMsField.nullable(),
  refunds: z.array(refundSchema),
  claims: z.array(claimSchema),
  version: countField,
});

/** One row of an order list: the order without its refund and claim details. */
export const orderSummarySchema = orderSchema.omit({ refunds: true, claims: true }).extend({
  openRefunds: countField,
  openClaims: countField,
});

/** One event of an order's history, as the timeline shows it. */
export const timelineEntrySchema = z.object({
  seq: countField,
  at: epochMsField,
  type: z.string(),
  commandId: z.string().nullable(),
  actor: z.string().nullable(),
  event: z.record(z.string(), z.unknown()),
});

export const postingSchema = z.object({
  txnId: z.string(),
  kind: z.string(),
  at: epochMsField,
  currency: currencyField,
  legs: z.array(z.object({ account: z.string(), amountFen: signedFenField })),
});

export const balanceSchema = z.object({
  account: z.string(),
  currency: currencyField,
  /** Signed: debits positive, credits negative (ledger/accounts.ts). */
  balanceFen: signedFenField,
});

export const userSchema = z.object({
  userId: idField,
  displayName: z.string().max(200),
  role: roleField,
  merchantId: idField.nullable(),
});

export const syncStatusSchema = z.object({
  state: z.enum(['idle', 'syncing', 'offline', 'error']),
  pendingMutations: countField,
  lastSyncedAt: epochMsField.nullable(),
  message: z.string().max(500).nullable(),
});
