import { z } from 'zod';
import { REFUND_FILES_MAX } from '../escrow/refundEvidence.ts';
import { ORDER_FLAGS } from '../escrow/types.ts';
import { LEDGER_PROBLEM_CODES } from '../ledger/verifyJournal.ts';
import {
  accountBalanceSchema,
  orderSchema,
  recipientSchema,
  refundSchema,
  orderSummarySchema,
  postingSchema,
  syncStatusSchema,
  timelineEntrySchema,
  userSchema,
} from './domainSchemas.ts';
import {
  auditEntrySchema,
  auditVerificationSchema,
  base64Field,
  caseDetailSchema,
  caseMessageSchema,
  caseNoteSchema,
  caseSummarySchema,
  deskMetricsSchema,
  disputeInputs,
  personSchema,
  sellerClaimSchema,
} from './disputeSchemas.ts';
import {
  carrierField,
  countField,
  currencyField,
  epochMsField,
  fenField,
  idField,
  localeField,
  noteText,
  orderStatusField,
  plainText,
  serverUrlField,
  shortText,
  signedFenField,
  timeZoneField,
  trackingNoField,
  uuidField,
} from './fields.ts';
import {
  payoutAccountSchema,
  reconExceptionSchema,
  reportFileSchema,
  treasuryInputs,
  importedStatementSchema,
  treasuryOverviewSchema,
  withdrawalSchema,
} from './treasurySchemas.ts';
import {
  balancePointSchema,
  ledgerLineSchema,
  orderRowSchema,
  shipCheckSchema,
} from './searchSchemas.ts';

/**
 * The desk contract: every call the renderer can make, by name, with its input and output
 * schema. The preload, the main process, web mode and the renderer's client are all generated
 * from this one object, so adding a method here is the only step needed to expose it.
 *
 * Inputs are strict (unknown keys are an error, never silently dropped). Who is acting never
 * appears in an input: the host takes the actor from the signed-in session.
 */

const none = z.strictObject({});
const done = z.object({});
/** Every money-moving call carries a client-made idempotency key, so a retry cannot repeat it. */
const command = { commandId: uuidField, orderId: idField };
const orderResult = z.object({ order: orderSchema });

/** A file the server stored (`POST /v1/evidence`), cited by a command. */
const evidenceRefInput = z.strictObject({
  sha256: plainText().regex(/^[0-9a-f]{64}$/),
  name: plainText().min(1).max(200),
  sizeBytes: z.number().int().min(0).max(50_000_000),
  mime: plainText().min(1).max(100),
});
const evidenceRefOutput = z.object({
  sha256: z.string(),
  name: z.string(),
  sizeBytes: z.number().int().min(0),
  mime: z.string(),
});

const settingsSchema = z.object({ locale: localeField, serverUrl: serverUrlField.nullable() });

export const deskContract = {
  'session.signIn': {
    input: z.strictObject({
      username: plainText().trim().min(1).max(64),
      password: plainText().min(1).max(256),
      /**
       * The user's answer when the desk has no OS secret store (`secret_store_unavailable`):
       * keep the session in memory for this run only.
       */
      rememberForRunOnly: z.boolean().optional(),
    }),
    output: z.object({ user: userSchema }),
  },
  'session.current': { input: none, output: z.object({ user: userSchema.nullable() }) },
  'session.signOut': { input: none, output: done },

  'orders.list': {
    input: z.strictObject({
      merchantId: idField.optional(),
      status: orderStatusField.optional(),
      limit: z.number().int().min(1).max(200),
      afterCursor: plainText().max(200).optional(),
    }),
    output: z.object({
      orders: z.array(orderSummarySchema),
      nextCursor: z.string().nullable(),
    }),
  },
  'orders.get': {
    input: z.strictObject({ orderId: idField }),
    output: z.object({
      order: orderSchema,
      timeline: z.array(timelineEntrySchema),
      postings: z.array(postingSchema),
    }),
  },

  /** Search and queues for the seller desk: a window (offset, limit) of a filtered list. */
  'orders.search': {
    input: z.strictObject({
      text: plainText().max(100).optional(),
      status: orderStatusField.optional(),
      fromMs: epochMsField.optional(),
      toMs: epochMsField.optional(),
      queue: z.enum(['awaiting_shipment', 'open_refunds']).optional(),
      /** Ignored for the queues, which keep their deadline order. */
      sort: z
        .strictObject({
          key: z.enum(['created', 'orderId', 'buyer', 'amount', 'status']),
          dir: z.enum(['asc', 'desc']),
        })
        .optional(),
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(1).max(500),
    }),
    output: z.object({
      total: z.number().int().min(0),
      /**
       * True when `total` is a lower bound: a search text's matches are counted only up to a
       * cap (1,000) and only that many are listed; type more to narrow.
       */
      totalCapped: z.boolean(),
      /** Matching orders with mutations of this desk not yet confirmed by the server. */
      pendingTotal: z.number().int().min(0),
      rows: z.array(orderRowSchema),
    }),
  },

  /** Orders per status under the same filters as `orders.search` (the status tabs' counts). */
  'orders.counts': {
    input: z.strictObject({
      text: plainText().max(100).optional(),
      fromMs: epochMsField.optional(),
      toMs: epochMsField.optional(),
    }),
    output: z.object({
      total: z.number().int().min(0),
      byStatus: z.partialRecord(orderStatusField, z.number().int().min(0)),
      /** With a search text, only the first 1,000 matches are counted: each is "at least". */
      capped: z.boolean(),
    }),
  },

  /** Checks shipment rows (a CSV import) without applying anything: every problem per row. */
  'shipments.check': {
    input: z.strictObject({
      rows: z
        .array(
          z.strictObject({
            line: z.number().int().min(0).max(1_000_000),
            orderId: plainText().max(80),
            carrier: plainText().max(40),
            trackingNo: plainText().max(60),
          }),
        )
        .max(1000),
    }),
    output: z.object({ rows: z.array(shipCheckSchema) }),
  },
  /** Ships many orders; a row that fails the check or the rules is refused, the others apply. */
  'shipments.shipMany': {
    input: z.strictObject({
      items: z
        .array(
          z.strictObject({
            commandId: uuidField,
            orderId: idField,
            carrier: carrierField,
            trackingNo: trackingNoField,
          }),
        )
        .min(1)
        .max(500),
    }),
    output: z.object({
      results: z.array(
        z.object({
          orderId: z.string(),
          ok: z.boolean(),
          error: z.object({ code: z.string(), message: z.string() }).nullable(),
        }),
      ),
    }),
  },

  'shipments.ship': {
    input: z.strictObject({ ...command, carrier: carrierField, trackingNo: trackingNoField }),
    output: orderResult,
  },

  /**
   * Ships orders with e-waybills: the server assigns each order a number from the carrier's
   * segments (all or none; an order keeps its number on reprint), then each order is shipped
   * with it through the outbox like any ship. Answers the labels to print, with the recipient
   * in full (a label must carry it) and no price. Needs the server: offline there is no number.
   */
  'waybills.print': {
    input: z.strictObject({
      carrier: carrierField,
      orderIds: z.array(idField).min(1).max(500),
    }),
    output: z.object({
      labels: z.array(
        z.object({
          orderId: z.string(),
          carrier: z.string(),
          waybillNo: z.string(),
          assignedAt: epochMsField,
          sender: recipientSchema,
          recipient: recipientSchema,
          item: z.object({ title: z.string(), quantity: countField }),
        }),
      ),
      /** Orders whose ship action the desk could not queue (already shipped otherwise, …). */
      refused: z.array(
        z.object({
          orderId: z.string(),
          error: z.object({ code: z.string(), message: z.string() }),
        }),
      ),
    }),
  },
  /** The shop's sender and return addresses, from the server. */
  'merchant.addresses': {
    input: none,
    output: z.object({ sender: recipientSchema.nullable(), return: recipientSchema.nullable() }),
  },
  /**
   * The shop's settings (its time zone), from the server, or as last fetched when offline
   * (`fromServer: false`); the default zone before the desk has ever fetched them.
   */
  'merchant.settings': {
    input: none,
    output: z.object({ timeZone: z.string(), fromServer: z.boolean() }),
  },
  /** Sets the shop's time zone (seller admins only; the server decides). */
  'merchant.setTimeZone': {
    input: z.strictObject({ timeZone: timeZoneField }),
    output: z.object({ timeZone: z.string(), fromServer: z.boolean() }),
  },
  /** Sets one of them (seller admins only; the server decides). */
  'merchant.setAddress': {
    input: z.strictObject({
      kind: z.enum(['sender', 'return']),
      address: z.strictObject({
        name: plainText().max(60),
        mobile: plainText().max(20),
        province: plainText().max(40),
        city: plainText().max(40),
        district: plainText().max(40),
        detail: plainText().max(240),
        postcode: plainText().max(10),
      }),
    }),
    output: z.object({ kind: z.enum(['sender', 'return']), address: recipientSchema }),
  },
  /** The seller's note and flag on an order (备注/旗帜): a command like the others, synced. */
  'orders.annotate': {
    input: z.strictObject({
      ...command,
      note: plainText().max(500),
      flag: z.enum(ORDER_FLAGS).nullable(),
    }),
    output: orderResult,
  },

  'refunds.agree': {
    input: z.strictObject({ ...command, refundId: idField }),
    output: orderResult,
  },
  /**
   * Refusing, optionally with evidence uploaded first (`refunds.uploadEvidence`): the refusal
   * cites the files and the server applies both in one transaction, or neither.
   */
  'refunds.refuse': {
    input: z.strictObject({
      ...command,
      refundId: idField,
      reason: shortText.min(1),
      evidence: z.array(evidenceRefInput).max(REFUND_FILES_MAX).optional(),
    }),
    output: orderResult,
  },
  /** One file of a refund (a buyer's photo, refusal evidence), fetched from the server. */
  'refunds.file': {
    input: z.strictObject({
      orderId: idField,
      refundId: idField,
      sha256: plainText().regex(/^[0-9a-f]{64}$/),
    }),
    output: z.object({
      name: z.string(),
      mime: z.string(),
      sha256: z.string(),
      base64: base64Field,
    }),
  },
  /** Agents: refunds the buyer escalated, oldest first, with both sides' words and files. */
  'refunds.escalated': {
    input: none,
    output: z.object({
      items: z.array(
        z.object({
          orderId: z.string(),
          merchantId: z.string(),
          buyerId: z.string(),
          currency: currencyField,
          orderAmountFen: fenField,
          refund: refundSchema,
        }),
      ),
    }),
  },
  /** Uploads one file of refusal evidence; needs a connection (`evidence_needs_connection`). */
  'refunds.uploadEvidence': {
    input: disputeInputs.upload,
    output: z.object({ evidence: evidenceRefOutput }),
  },
  'refunds.confirmReturn': {
    input: z.strictObject({ ...command, refundId: idField }),
    output: orderResult,
  },
  'refunds.resolveEscalation': {
    input: z.strictObject({
      ...command,
      refundId: idField,
      outcome: z.enum(['refund', 'close']),
      amountFen: fenField.optional(),
      note: noteText,
    }),
    output: orderResult,
  },

  'claims.requestSellerEvidence': {
    input: z.strictObject({ ...command, claimId: idField }),
    output: orderResult,
  },
  'claims.submitSellerEvidence': {
    input: z.strictObject({
      ...command,
      claimId: idField,
      note: noteText,
      evidence: z.array(evidenceRefInput).max(20),
    }),
    output: orderResult,
  },
  'claims.decide': {
    input: z.strictObject({
      ...command,
      claimId: idField,
      decision: z.enum(['approve', 'reject', 'request_info']),
      amountFen: fenField.optional(),
      reasonCode: plainText().min(1).max(64),
      note: noteText,
    }),
    output: orderResult,
  },
  'claims.secondApproval': {
    input: z.strictObject({ ...command, claimId: idField, approve: z.boolean(), note: noteText }),
    output: orderResult,
  },

  'ledger.balances': {
    input: z.strictObject({ merchantId: idField.optional() }),
    output: z.object({
      accounts: z.array(accountBalanceSchema),
      escrowHeld: z.array(z.object({ currency: currencyField, heldFen: signedFenField })),
    }),
  },
  /** The merchant's own accounts (or its orders' escrow accounts), newest first. */
  'ledger.lines': {
    input: z.strictObject({
      scope: z.enum(['merchant', 'escrow']),
      kind: plainText().max(40).optional(),
      fromMs: epochMsField.optional(),
      toMs: epochMsField.optional(),
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(1).max(1000),
    }),
    output: z.object({ total: z.number().int().min(0), lines: z.array(ledgerLineSchema) }),
  },
  /**
   * Opening, movement and closing per account over a period (the escrow scope as one row,
   * `escrow:order:*`), signed as stored: opening + movement = closing, and the movement is the
   * sum of the lines `ledger.lines` gives for the same period.
   */
  'ledger.statement': {
    input: z.strictObject({
      scope: z.enum(['merchant', 'escrow']),
      fromMs: epochMsField.optional(),
      toMs: epochMsField.optional(),
    }),
    output: z.object({
      accounts: z.array(
        z.object({
          account: z.string(),
          currency: currencyField,
          openingFen: signedFenField,
          movementFen: signedFenField,
          closingFen: signedFenField,
        }),
      ),
    }),
  },
  /**
   * Held in escrow vs released, per day of the merchant's time zone (Asia/Shanghai unless
   * given), for the merchant's chart. At most a year of days.
   */
  'ledger.history': {
    input: z
      .strictObject({
        fromMs: epochMsField,
        toMs: epochMsField,
        timeZone: timeZoneField.optional(),
      })
      .refine(
        (q) => q.toMs > q.fromMs && q.toMs - q.fromMs <= 366 * 86_400_000,
        'a range of 1 to 366 days',
      ),
    output: z.object({ points: z.array(balancePointSchema) }),
  },
  'ledger.verify': {
    input: none,
    output: z.object({
      ok: z.boolean(),
      problems: z.array(
        z.object({
          code: z.enum(LEDGER_PROBLEM_CODES),
          detail: z.string(),
          seq: z.number().int().min(0).optional(),
          /** The shard whose chain `seq` belongs to. */
          shard: z.number().int().min(0).optional(),
        }),
      ),
      /** Journal rows the replica holds, each rehashed from its legs. */
      transactions: z.number().int().min(0),
      /** False when the server could not be asked (offline): only the local checks ran. */
      comparedWithServer: z.boolean(),
    }),
  },

  // The dispute desk (agents) and the seller's side of claims. Reads and desk-only actions
  // (assignment, notes, exports) go to the central API; decisions are the claim commands
  // above, which travel like every other desk action.
  'disputes.queue': {
    input: disputeInputs.queue,
    output: z.object({
      now: epochMsField,
      cases: z.array(caseSummarySchema),
      agents: z.array(personSchema),
    }),
  },
  'disputes.case': {
    input: disputeInputs.claim,
    output: z.object({ now: epochMsField, case: caseDetailSchema }),
  },
  'disputes.assign': {
    input: disputeInputs.assign,
    output: z.object({ assignee: z.string().nullable(), changed: z.boolean() }),
  },
  /** Assigns many cases at once (or returns them to the queue with `agentId: null`). */
  'disputes.bulkAssign': {
    input: disputeInputs.bulkAssign,
    output: z.object({ assignee: z.string().nullable(), cases: countField, changed: countField }),
  },
  'disputes.addNote': { input: disputeInputs.note, output: z.object({ note: caseNoteSchema }) },
  /** A message to the case's buyer or seller, which that party reads. */
  'disputes.sendMessage': {
    input: disputeInputs.message,
    output: z.object({ message: caseMessageSchema }),
  },
  'disputes.evidenceFile': {
    input: disputeInputs.file,
    output: z.object({
      name: z.string(),
      mime: z.string(),
      inline: z.boolean(),
      sha256: z.string(),
      base64: base64Field,
    }),
  },
  'disputes.audit': {
    input: disputeInputs.claim,
    output: z.object({ entries: z.array(auditEntrySchema), chain: auditVerificationSchema }),
  },
  'disputes.auditExport': {
    input: disputeInputs.auditExport,
    output: z.object({ fileName: z.string(), text: z.string() }),
  },
  'disputes.evidencePack': {
    input: disputeInputs.pack,
    output: z.object({ fileName: z.string(), base64: base64Field }),
  },
  'disputes.metrics': { input: none, output: deskMetricsSchema },
  'disputes.sellerClaims': {
    input: none,
    output: z.object({ now: epochMsField, claims: z.array(sellerClaimSchema) }),
  },
  'disputes.uploadEvidence': {
    input: disputeInputs.upload,
    output: z.object({ evidence: evidenceRefOutput }),
  },

  // Treasury (issue 16). Sellers: the payout account and withdrawals (seller_admin acts; a
  // withdrawal queues on the desk while offline and is asked of the server once per request
  // key). Finance: the reconciliation overview, the exceptions queue and its maker-checker
  // adjustments, and the daily report. All answered by the central API.
  'treasury.payoutAccounts': {
    input: none,
    output: z.object({ accounts: z.array(payoutAccountSchema) }),
  },
  'treasury.setPayoutAccount': {
    input: treasuryInputs.payoutAccount,
    output: z.object({ account: payoutAccountSchema }),
  },
  'treasury.withdrawals': {
    input: none,
    output: z.object({ withdrawals: z.array(withdrawalSchema), offline: z.boolean() }),
  },
  'treasury.withdraw': {
    input: treasuryInputs.withdraw,
    output: z.object({ withdrawal: withdrawalSchema }),
  },
  'treasury.overview': { input: none, output: treasuryOverviewSchema },
  'treasury.exceptions': {
    input: z.strictObject({ status: z.enum(['open', 'adjusting', 'resolved']).optional() }),
    output: z.object({ exceptions: z.array(reconExceptionSchema) }),
  },
  'treasury.explainException': {
    input: treasuryInputs.explain,
    output: z.object({ exception: reconExceptionSchema }),
  },
  'treasury.proposeAdjustment': {
    input: treasuryInputs.propose,
    output: z.object({ exception: reconExceptionSchema }),
  },
  'treasury.decideAdjustment': {
    input: treasuryInputs.decide,
    output: z.object({ exception: reconExceptionSchema }),
  },
  'treasury.report': { input: treasuryInputs.report, output: reportFileSchema },
  'treasury.importStatement': {
    input: treasuryInputs.importStatement,
    output: z.object({ statement: importedStatementSchema }),
  },

  'sync.status': { input: none, output: syncStatusSchema },
  'sync.now': { input: none, output: syncStatusSchema },
  /** Actions the central server refused (docs/sync.md "Conflicts"), newest first. */
  'sync.issues': {
    input: none,
    output: z.object({
      issues: z.array(
        z.object({
          mutationId: z.number().int().min(0),
          commandId: z.string(),
          orderId: z.string(),
          commandType: z.string(),
          code: z.string(),
          message: z.string(),
          whatChanged: z.string(),
          nextActions: z.array(z.string()),
          createdAt: epochMsField,
        }),
      ),
    }),
  },
  'sync.acknowledgeIssue': {
    input: z.strictObject({ mutationId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
    output: z.object({ acknowledged: z.boolean() }),
  },

  /**
   * A desktop notification through the shell (Electron's Notification). Web mode answers
   * `unsupported`, and the page uses the browser's Notification instead.
   */
  'shell.notify': {
    input: z.strictObject({ title: shortText.min(1), body: shortText }),
    output: z.object({ shown: z.boolean() }),
  },

  /**
   * The desktop app prints the page (packing slips) to a PDF file the user picks. Web mode
   * answers `unsupported`, and the page uses the browser's print dialog instead.
   */
  'print.savePdf': {
    input: z.strictObject({
      fileName: plainText().regex(
        /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,100}\.pdf$/u,
        'a plain file name ending in .pdf',
      ),
    }),
    output: z.object({ path: z.string().nullable() }),
  },

  'settings.get': { input: none, output: settingsSchema },
  'settings.set': {
    input: z.strictObject({
      locale: localeField.optional(),
      serverUrl: serverUrlField.nullable().optional(),
    }),
    output: settingsSchema,
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

/**
 * Events the core pushes without being asked. Payloads are validated on the sending side too,
 * so a subscriber can trust the shape.
 */
export const deskTopics = {
  /** Orders whose state changed (a local command, a sync pull, a timer). */
  'orders.changed': z.object({ orderIds: z.array(z.string()).max(1000), at: epochMsField }),
  'sync.status': syncStatusSchema,
  /**
   * What a seller should hear about at once, from a sync pull: a buyer's payment arrived, or a
   * buyer asked for a refund. The renderer raises a desktop notification (and a sound if on).
   */
  'desk.alert': z.object({
    alerts: z
      .array(
        z.object({
          kind: z.enum(['paid_order', 'refund_requested']),
          orderId: z.string(),
          amountFen: fenField,
          currency: currencyField,
          title: z.string().max(200),
        }),
      )
      .max(100),
  }),
  /** The core host itself: restarting after a crash, ready again, or down for good. */
  'host.status': z.object({
    state: z.enum(['ready', 'restarting', 'down']),
    restarts: z.number().int().min(0),
    reason: z.string().max(500).nullable(),
  }),
} as const satisfies Record<string, z.ZodType>;
