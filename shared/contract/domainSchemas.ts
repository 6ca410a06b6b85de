import { z } from 'zod';
import { ORDER_FLAGS } from '../escrow/types.ts';
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
  buyerEvidence: z.array(evidence).optional(),
  sellerEvidence: z.array(evidence).optional(),
  escalatedAt: epochMsField.optional(),
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

/**
 * A parcel's recipient, or a merchant's sender or return address (shared/shipping/recipient.ts).
 * Seller staff receive it masked (`masked: true`) from the server; their replica never holds
 * the full value.
 */
export const recipientSchema = z.object({
  name: z.string().max(60),
  mobile: z.string().max(20),
  province: z.string().max(40),
  city: z.string().max(40),
  district: z.string().max(40),
  detail: z.string().max(240),
  postcode: z.string().max(10),
  masked: z.literal(true).optional(),
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
  recipient: recipientSchema.optional(),
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
  sellerNote: z.string().optional(),
  flag: z.enum(ORDER_FLAGS).nullable().optional(),
  version: countField,
});

/** One row of an order list (electron/core/escrow/readModels.ts `OrderSummary`). */
export const orderSummarySchema = z.object({
  orderId: z.string(),
  merchantId: z.string(),
  buyerId: z.string(),
  status: orderStatusField,
  currency: currencyField,
  amountFen: fenField,
  heldFen: fenField,
  nextTimerAt: epochMsField.nullable(),
  createdAt: epochMsField,
  updatedAt: epochMsField,
  version: countField,
});

/** One event of an order's history, as the timeline shows it. */
export const timelineEntrySchema = z.object({
  version: countField,
  type: z.string(),
  at: epochMsField,
  commandId: z.string(),
  actor: z.object({ role: roleField, userId: z.string() }),
  event: z.record(z.string(), z.unknown()),
});

export const postingSchema = z.object({
  seq: countField,
  txnId: z.string(),
  commandId: z.string(),
  kind: z.string(),
  at: epochMsField,
  currency: currencyField,
  hash: z.string(),
  legs: z.array(z.object({ account: z.string(), amountFen: signedFenField })),
  /** Server mode: a pending action's guessed effect, not yet in the server's journal. */
  provisional: z.boolean().optional(),
});

export const accountBalanceSchema = z.object({
  account: z.string(),
  currency: currencyField,
  /** As stored: debits positive, credits negative (ledger/accounts.ts). */
  signedFen: signedFenField,
  /** As people read it: positive on the account's normal side. */
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
  /**
   * Whether the central server answered the last attempt. Optional because only a desk with a
   * sync client knows it; while a retry runs, `state` is 'syncing' but the desk is still offline.
   */
  online: z.boolean().optional(),
  /** Rejected actions not yet acknowledged (sync issues). */
  openIssues: countField.optional(),
});
