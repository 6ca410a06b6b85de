import { z } from 'zod';
import { claimSchema, orderSchema } from './domainSchemas.ts';
import {
  countField,
  epochMsField,
  fenField,
  idField,
  plainText,
  signedFenField,
} from './fields.ts';

/**
 * What the dispute desk's contract methods return: the central API's `/v1/disputes/*`
 * answers (server/disputes/), checked again on the desk side so the renderer never handles an
 * unchecked shape. Audit `before`/`after` stay opaque JSON: they are shown, never interpreted.
 */

export const DESK_STATUS_VALUES = [
  'new',
  'awaiting_seller_evidence',
  'under_review',
  'info_requested',
  'awaiting_second_approval',
  'decided',
] as const;
export const deskStatusField = z.enum(DESK_STATUS_VALUES);
export const priorityField = z.enum(['urgent', 'high', 'normal', 'low']);
const sha256Field = z.string().regex(/^[0-9a-f]{64}$/);

export const caseDeadlineSchema = z.object({
  kind: z.enum(['seller_evidence', 'buyer_info', 'agent_sla']),
  dueAt: epochMsField,
  leftMs: z.number().int(),
});

export const caseSummarySchema = z.object({
  claimId: z.string(),
  orderId: z.string(),
  merchantId: z.string(),
  merchantName: z.string().nullable(),
  buyerId: z.string(),
  claimStatus: claimSchema.shape.status,
  deskStatus: deskStatusField,
  amountFen: fenField,
  paidFen: fenField,
  reason: z.string(),
  filedAt: epochMsField,
  decidedAt: epochMsField.nullable(),
  assignee: z.string().nullable(),
  priority: priorityField,
  deadlines: z.array(caseDeadlineSchema),
});

export const checkedEvidenceSchema = z.object({
  sha256: sha256Field,
  name: z.string(),
  sizeBytes: countField,
  mime: z.string(),
  stored: z.boolean(),
  verified: z.boolean(),
  inline: z.boolean(),
  pdf: z.boolean(),
});

export const personSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  role: z.string(),
});

export const MESSAGE_PARTIES = ['buyer', 'seller'] as const;
export const caseMessageSchema = z.object({
  messageId: z.string(),
  claimId: z.string(),
  to: z.enum(MESSAGE_PARTIES),
  authorId: z.string(),
  body: z.string(),
  createdAt: epochMsField,
});

export const QUEUE_SORT_VALUES = ['priority', 'amount', 'filed', 'deadline', 'status'] as const;

export const caseNoteSchema = z.object({
  noteId: z.string(),
  claimId: z.string(),
  authorId: z.string(),
  body: z.string(),
  createdAt: epochMsField,
});

export const auditEntrySchema = z.object({
  seq: countField,
  claimId: z.string(),
  orderId: z.string(),
  actorId: z.string(),
  actorRole: z.string().nullable(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  detail: z.unknown(),
  at: epochMsField,
  commandId: z.string().nullable(),
  prevHash: sha256Field,
  hash: sha256Field,
});

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  rows: countField,
  headSeq: countField,
  headHash: sha256Field,
  problems: z.array(z.object({ seq: countField, code: z.string(), detail: z.string() })),
});

export const caseDetailSchema = z.object({
  summary: caseSummarySchema,
  order: orderSchema,
  claim: claimSchema,
  timeline: z.array(
    z.object({
      version: countField,
      at: epochMsField,
      type: z.string(),
      commandId: z.string(),
      actorId: z.string().nullable(),
      event: z.record(z.string(), z.unknown()),
    }),
  ),
  postings: z.array(
    z.object({
      /** The shard whose chain holds it (the journal is chained per shard). */
      shard: countField,
      seq: countField,
      /** Its chain hash: with (shard, seq) it pins the row in the journal. */
      hash: sha256Field,
      txnId: z.string(),
      kind: z.string(),
      at: epochMsField,
      commandId: z.string(),
      legs: z.array(z.object({ account: z.string(), amountFen: signedFenField })),
      forThisClaim: z.boolean(),
    }),
  ),
  evidence: z.object({
    buyer: z.array(checkedEvidenceSchema),
    seller: z.array(checkedEvidenceSchema),
  }),
  sellerHistory: z.object({
    merchantId: z.string(),
    merchantName: z.string().nullable(),
    orders: countField,
    completedOrders: countField,
    claims: countField,
    claimsApproved: countField,
    claimsRejected: countField,
    compensationPaidFen: signedFenField,
    compensationRecoveredFen: signedFenField,
    depositFen: signedFenField,
    availableFen: signedFenField,
  }),
  notes: z.array(caseNoteSchema),
  messages: z.array(caseMessageSchema),
  audit: z.array(auditEntrySchema),
  people: z.array(personSchema),
  secondApprovalThresholdFen: fenField,
  allowed: z.array(z.string()),
});

export const deskMetricsSchema = z.object({
  generatedAt: epochMsField,
  openByAge: z.array(
    z.object({ bucket: z.enum(['<1d', '1-3d', '3-7d', '>7d']), count: countField }),
  ),
  decisionsPerAgent: z.array(
    z.object({
      agentId: z.string(),
      displayName: z.string(),
      approved: countField,
      rejected: countField,
      infoRequested: countField,
    }),
  ),
  approvalRate: z.object({
    approved: countField,
    rejected: countField,
    rate: z.number().min(0).max(1).nullable(),
  }),
  timeToResolve: z.object({
    decided: countField,
    medianMs: z.number().int().min(0).nullable(),
    p90Ms: z.number().int().min(0).nullable(),
  }),
  weekly: z.array(
    z.object({
      weekStart: z.number().int(),
      paidFen: signedFenField,
      recoveredFen: signedFenField,
      resolveMedianMs: z.number().int().min(0).nullable(),
    }),
  ),
});

export const sellerClaimSchema = z.object({
  claimId: z.string(),
  orderId: z.string(),
  itemTitle: z.string(),
  orderAmountFen: fenField,
  status: claimSchema.shape.status,
  amountFen: fenField,
  reason: z.string(),
  filedAt: epochMsField,
  evidenceDueAt: epochMsField.nullable(),
  buyerEvidenceCount: countField,
  sellerEvidence: z.array(
    z.object({ sha256: sha256Field, name: z.string(), sizeBytes: countField, mime: z.string() }),
  ),
  sellerNote: z.string().nullable(),
  paidFen: fenField,
  decidedAt: epochMsField.nullable(),
  messages: z.array(caseMessageSchema),
});

/** Files cross the contract as base64; 5 MB of evidence is about 6.7 MB of text. */
export const base64Field = z
  .string()
  .max(7_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const disputeInputs = {
  queue: z.strictObject({
    status: deskStatusField.optional(),
    assignee: z.union([z.literal('me'), z.literal('unassigned'), idField]).optional(),
    priority: priorityField.optional(),
    merchantId: idField.optional(),
    q: plainText().trim().min(1).max(100).optional(),
    sla: z.literal('breached').optional(),
    sort: z.enum(QUEUE_SORT_VALUES).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
  claim: z.strictObject({ claimId: idField }),
  bulkAssign: z.strictObject({
    claimIds: z.array(idField).min(1).max(100),
    agentId: idField.nullable(),
  }),
  message: z.strictObject({
    claimId: idField,
    to: z.enum(MESSAGE_PARTIES),
    body: plainText().trim().min(1).max(4000),
  }),
  /** `timeZone`: the agent's IANA zone, which the pack's times are printed in. */
  pack: z.strictObject({
    claimId: idField,
    timeZone: plainText()
      .regex(/^[A-Za-z0-9_+\-/]{1,64}$/)
      .optional(),
  }),
  file: z.strictObject({ claimId: idField, sha256: sha256Field }),
  assign: z.strictObject({ claimId: idField, assign: z.boolean() }),
  note: z.strictObject({ claimId: idField, body: plainText().trim().min(1).max(4000) }),
  auditExport: z.strictObject({ claimId: idField.optional() }),
  upload: z.strictObject({
    name: plainText().trim().min(1).max(200),
    mime: plainText()
      .regex(/^[\w.+-]+\/[\w.+-]+$/)
      .max(100),
    base64: base64Field.min(1),
  }),
};
