import { z } from 'zod';
import { ORDER_FLAGS } from '../escrow/types.ts';
import {
  countField,
  currencyField,
  epochMsField,
  fenField,
  goodsKindField,
  orderStatusField,
  signedFenField,
} from './fields.ts';
import { recipientSchema } from './domainSchemas.ts';

/**
 * Output shapes of the seller desk's lists (electron/core/replica/searchModels.ts): search rows
 * with the deadline that matters now and the actions the rules allow, ledger lines, the
 * held-vs-released history, and the per-row check of a shipment batch.
 */

export const deadlineKindField = z.enum([
  'pay_by',
  'ship_by',
  'auto_confirm',
  'refund_answer',
  'return_ship',
  'return_confirm',
  'escalation',
  'seller_evidence',
  'info_due',
]);

export const orderRowSchema = z.object({
  orderId: z.string(),
  buyerId: z.string(),
  title: z.string(),
  quantity: countField,
  status: orderStatusField,
  goodsKind: goodsKindField,
  currency: currencyField,
  amountFen: fenField,
  createdAt: epochMsField,
  carrier: z.string().nullable(),
  trackingNo: z.string().nullable(),
  /** As the server let this user see it (masked for seller staff); null when none was given. */
  recipient: recipientSchema.nullable(),
  deadline: z
    .object({ kind: deadlineKindField, at: epochMsField, moneyMoves: z.boolean() })
    .nullable(),
  autoConfirmPaused: z.boolean(),
  sellerNote: z.string(),
  flag: z.enum(ORDER_FLAGS).nullable(),
  refund: z
    .object({
      refundId: z.string(),
      kind: z.enum(['refund_only', 'return_and_refund']),
      amountFen: fenField,
      reason: z.string(),
      status: z.string(),
      dueAt: epochMsField.nullable(),
      photos: z.array(
        z.object({ sha256: z.string(), name: z.string(), sizeBytes: countField, mime: z.string() }),
      ),
    })
    .nullable(),
  allowed: z.array(z.string()),
  version: countField,
  /** True while this desk has mutations on the order that the server has not confirmed. */
  pendingSync: z.boolean(),
});

export const ledgerLineSchema = z.object({
  seq: countField,
  txnId: z.string(),
  kind: z.string(),
  at: epochMsField,
  orderId: z.string().nullable(),
  account: z.string(),
  currency: currencyField,
  signedFen: signedFenField,
});

export const balancePointSchema = z.object({
  at: epochMsField,
  heldFen: signedFenField,
  releasedFen: signedFenField,
});

export const shipProblemField = z.enum([
  'unknown_carrier',
  'tracking_format',
  'tracking_check_digit',
  'order_not_found',
  'not_shippable',
  'duplicate_order',
  'duplicate_tracking',
  'tracking_in_use',
]);

export const shipCheckSchema = z.object({
  line: countField,
  orderId: z.string(),
  carrier: z.string(),
  trackingNo: z.string(),
  problems: z.array(shipProblemField),
});
