import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DeskError } from '../../../shared/errors.ts';
import type { Actor, EscrowCommand } from '../../../shared/escrow/types.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { parseRecipient } from '../../../shared/shipping/recipient.ts';
import { sha256Hex } from '../../common/sha256.ts';
import { evidenceRefsOf } from '../../evidence/evidenceStore.ts';
import { readOrder } from '../../escrow/orderRows.ts';
import { sendError } from '../sendError.ts';
import {
  createOrderBody,
  decideClaimBody,
  emptyBody,
  fileClaimBody,
  noteWithEvidenceBody,
  parseBody,
  pathIds,
  refuseRefundBody,
  requestRefundBody,
  resolveEscalationBody,
  secondApprovalBody,
  shipBody,
} from '../requestSchemas.ts';
import { isSeller, requireActor } from '../requestActor.ts';
import { masksRecipients, orderFor, redactEventForSeller } from '../sellerView.ts';
import { addRoute } from '../routeSpec.ts';
import { commandsOf } from '../serverContext.ts';
import type { ServerContext } from '../serverContext.ts';

type Ids = { orderId: string; refundId: string; claimId: string };

interface CommandRoute<S extends z.ZodType> {
  url: string;
  summary: string;
  roles: string;
  body: S;
  created?: boolean;
  build: (a: {
    actor: Actor;
    ids: Ids;
    body: z.infer<S>;
    ctx: ServerContext;
    /** A fresh id for what the command creates (order, refund, claim); see newIdFor. */
    newId: string;
  }) => Promise<EscrowCommand> | EscrowCommand;
}

const IDEMPOTENCY_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The command id for an HTTP command. A client's `Idempotency-Key` is namespaced by its user,
 * so nobody can take over another caller's key or the reserved `bank:` and `timer:` ids.
 */
function commandIdFor(req: FastifyRequest, actor: Actor, now: number): string {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return uuidv7(now);
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))
    throw new DeskError('invalid_input', 'Idempotency-Key must be a UUID');
  return `http:${actor.userId}:${key.toLowerCase()}`;
}

/**
 * Ids the server chooses for what a command creates. Under an Idempotency-Key the id is derived
 * from the key, so a retried request carries the same command and replays instead of
 * conflicting; without a key it is a fresh UUIDv7.
 */
function newIdFor(commandId: string, now: number): string {
  if (!commandId.startsWith('http:')) return uuidv7(now);
  const h = sha256Hex(commandId);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function merchantFeeBps(ctx: ServerContext, merchantId: string): Promise<number> {
  const r = await ctx.db.query<{ fee_bps: number }>(
    'SELECT fee_bps FROM merchants WHERE merchant_id = $1',
    [merchantId],
  );
  const row = r.rows[0];
  if (!row) throw new DeskError('invalid_input', `unknown merchant ${merchantId}`);
  return row.fee_bps;
}

const ROUTES: CommandRoute<z.ZodType>[] = [];
function def<S extends z.ZodType>(r: CommandRoute<S>): void {
  ROUTES.push(r as unknown as CommandRoute<z.ZodType>);
}

const O = '/v1/orders/:orderId';
def({
  url: '/v1/orders',
  summary: 'Create an order (the buyer pays it through the bank next)',
  roles: 'buyer',
  body: createOrderBody,
  created: true,
  build: async ({ actor, body, ctx, newId }) => ({
    type: 'create_order',
    orderId: body.orderId ?? newId,
    merchantId: body.merchantId,
    buyerId: actor.userId,
    currency: body.currency,
    amountFen: body.amountFen,
    feeBps: await merchantFeeBps(ctx, body.merchantId),
    goodsKind: body.goodsKind,
    item: body.item,
    ...(body.recipient === undefined ? {} : { recipient: parseRecipient(body.recipient) }),
  }),
});
def({
  url: `${O}/ship`,
  summary: 'Ship the goods (carrier and tracking number)',
  roles: 'seller_staff, seller_admin',
  body: shipBody,
  build: ({ ids, body }) => ({ type: 'ship', orderId: ids.orderId, ...body }),
});
def({
  url: `${O}/confirm-receipt`,
  summary: 'Confirm receipt: releases the escrow to the seller',
  roles: 'buyer',
  body: emptyBody,
  build: ({ ids }) => ({ type: 'confirm_receipt', orderId: ids.orderId }),
});
def({
  url: `${O}/extend-receipt`,
  summary: 'Extend the receipt time once (when 3 days or fewer remain)',
  roles: 'buyer',
  body: emptyBody,
  build: ({ ids }) => ({ type: 'extend_receipt', orderId: ids.orderId }),
});
def({
  url: `${O}/refunds`,
  summary:
    'Request a refund (refund only, or return and refund), with up to 9 photos uploaded to /v1/evidence first (PNG, JPEG, GIF, WebP by their bytes: 400 photo_not_image, too_many_files)',
  roles: 'buyer',
  body: requestRefundBody,
  created: true,
  build: async ({ actor, ids, body, ctx, newId }) => ({
    type: 'request_refund',
    orderId: ids.orderId,
    refundId: body.refundId ?? newId,
    kind: body.kind,
    amountFen: body.amountFen,
    reason: body.reason,
    ...(body.photos?.length
      ? { evidence: await evidenceRefsOf(ctx.db, actor.userId, body.photos) }
      : {}),
  }),
});
const R = `${O}/refunds/:refundId`;
def({
  url: `${R}/agree`,
  summary: 'Agree to a refund request',
  roles: 'seller_staff, seller_admin',
  body: emptyBody,
  build: ({ ids }) => ({ type: 'agree_refund', orderId: ids.orderId, refundId: ids.refundId }),
});
def({
  url: `${R}/refuse`,
  summary:
    'Refuse a refund request (the buyer may escalate), with up to 9 evidence files (images or PDF) uploaded first; the refusal and its evidence commit together',
  roles: 'seller_staff, seller_admin',
  body: refuseRefundBody,
  build: async ({ actor, ids, body, ctx }) => ({
    type: 'refuse_refund',
    orderId: ids.orderId,
    refundId: ids.refundId,
    reason: body.reason,
    ...(body.evidence?.length
      ? { evidence: await evidenceRefsOf(ctx.db, actor.userId, body.evidence) }
      : {}),
  }),
});
def({
  url: `${R}/return-shipment`,
  summary: 'Ship the goods back (return and refund)',
  roles: 'buyer',
  body: shipBody,
  build: ({ ids, body }) => ({
    type: 'ship_return',
    orderId: ids.orderId,
    refundId: ids.refundId,
    ...body,
  }),
});
def({
  url: `${R}/confirm-return`,
  summary: 'Confirm the returned goods arrived: refunds the buyer',
  roles: 'seller_staff, seller_admin',
  body: emptyBody,
  build: ({ ids }) => ({ type: 'confirm_return', orderId: ids.orderId, refundId: ids.refundId }),
});
def({
  url: `${R}/cancel`,
  summary: 'Withdraw a refund request',
  roles: 'buyer',
  body: emptyBody,
  build: ({ ids }) => ({ type: 'cancel_refund', orderId: ids.orderId, refundId: ids.refundId }),
});
def({
  url: `${R}/escalate`,
  summary: 'Ask the platform to intervene in a refused refund',
  roles: 'buyer',
  body: emptyBody,
  build: ({ ids }) => ({ type: 'escalate_refund', orderId: ids.orderId, refundId: ids.refundId }),
});
def({
  url: `${R}/resolve`,
  summary: 'Decide an escalated refund',
  roles: 'agent, senior_agent',
  body: resolveEscalationBody,
  build: ({ ids, body }) => ({
    type: 'resolve_escalation',
    orderId: ids.orderId,
    refundId: ids.refundId,
    outcome: body.outcome,
    ...(body.amountFen !== undefined ? { amountFen: body.amountFen } : {}),
    note: body.note,
  }),
});
def({
  url: `${O}/claims`,
  summary: 'File a fraud claim with evidence (upload files to /v1/evidence first)',
  roles: 'buyer',
  body: fileClaimBody,
  created: true,
  build: async ({ actor, ids, body, ctx, newId }) => ({
    type: 'file_claim',
    orderId: ids.orderId,
    claimId: body.claimId ?? newId,
    amountFen: body.amountFen,
    reason: body.reason,
    evidence: await evidenceRefsOf(ctx.db, actor.userId, body.evidence),
  }),
});
const C = `${O}/claims/:claimId`;
def({
  url: `${C}/request-seller-evidence`,
  summary: 'Ask the seller for evidence (due in 3 days)',
  roles: 'agent, senior_agent',
  body: emptyBody,
  build: ({ ids }) => ({
    type: 'request_seller_evidence',
    orderId: ids.orderId,
    claimId: ids.claimId,
  }),
});
def({
  url: `${C}/seller-evidence`,
  summary: "Submit the seller's evidence",
  roles: 'seller_staff, seller_admin',
  body: noteWithEvidenceBody,
  build: async ({ actor, ids, body, ctx }) => ({
    type: 'submit_seller_evidence',
    orderId: ids.orderId,
    claimId: ids.claimId,
    note: body.note,
    evidence: await evidenceRefsOf(ctx.db, actor.userId, body.evidence),
  }),
});
def({
  url: `${C}/info`,
  summary: 'Provide the information an agent asked for',
  roles: 'buyer',
  body: noteWithEvidenceBody,
  build: async ({ actor, ids, body, ctx }) => ({
    type: 'provide_claim_info',
    orderId: ids.orderId,
    claimId: ids.claimId,
    note: body.note,
    evidence: await evidenceRefsOf(ctx.db, actor.userId, body.evidence),
  }),
});
def({
  url: `${C}/decision`,
  summary:
    'Approve (pays compensation; above the threshold waits for a second senior agent), reject, or ask for information',
  roles: 'agent, senior_agent',
  body: decideClaimBody,
  build: ({ ids, body }) => ({
    type: 'decide_claim',
    orderId: ids.orderId,
    claimId: ids.claimId,
    decision: body.decision,
    ...(body.amountFen !== undefined ? { amountFen: body.amountFen } : {}),
    reasonCode: body.reasonCode,
    note: body.note,
  }),
});
def({
  url: `${C}/second-approval`,
  summary: 'Second approval of a large compensation (maker-checker)',
  roles: 'senior_agent (not the first approver)',
  body: secondApprovalBody,
  build: ({ ids, body }) => ({
    type: 'second_approval',
    orderId: ids.orderId,
    claimId: ids.claimId,
    approve: body.approve,
    note: body.note,
  }),
});

/** Every escrow command a person can send over HTTP, one route each. */
export const COMMAND_ROUTE_URLS: readonly string[] = ROUTES.map((r) => r.url);

export function registerCommandRoutes(app: FastifyInstance, ctx: ServerContext): void {
  for (const route of ROUTES) {
    addRoute(app, {
      method: 'POST',
      url: route.url,
      summary: route.summary,
      roles: route.roles,
      tags: ['commands'],
      auth: 'bearer',
      body: route.body,
      handler: (req, reply) => handleCommand(ctx, route, req, reply),
    });
  }
}

async function handleCommand(
  ctx: ServerContext,
  route: CommandRoute<z.ZodType>,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const actor = await requireActor(ctx, req);
  const params = parseBody(pathIds, req.params);
  const body = parseBody(route.body, req.body ?? {});
  const now = ctx.clock.now();
  const commandId = commandIdFor(req, actor, now);
  const ids: Ids = {
    orderId: params.orderId ?? '',
    refundId: params.refundId ?? '',
    claimId: params.claimId ?? '',
  };
  const command = await route.build({ actor, ids, body, ctx, newId: newIdFor(commandId, now) });
  const { outcome, order: applied } = await commandsOf(ctx).submit({ commandId, actor, command });
  if (!outcome.ok) return sendError(ctx, reply, outcome.error.code, outcome.error.message);
  if (!outcome.replayed) ctx.metrics.commandsApplied.inc({ type: command.type });
  // The order as this command left it, from the batch; a replay reads it.
  const order = applied ?? (await readOrder(ctx.db, outcome.orderId));
  const seller = isSeller(actor);
  return reply.code(route.created && !outcome.replayed ? 201 : 200).send({
    commandId: outcome.commandId,
    replayed: outcome.replayed,
    events: seller
      ? outcome.events.map((e) => redactEventForSeller(e, masksRecipients(actor.role)))
      : outcome.events,
    ledgerTxnIds: outcome.ledgerTxnIds,
    order: order && orderFor(actor, order),
  });
}
