import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { parseBody } from '../http/requestSchemas.ts';
import { isAgent, isSeller, requireActor } from '../http/requestActor.ts';
import { addRoute } from '../http/routeSpec.ts';
import type { ServerContext } from '../http/serverContext.ts';
import { appendAudit, readCaseAudit, verifyAuditChain } from './caseAudit.ts';
import { readAgents } from './agentDirectory.ts';
import { setAssignee } from './caseAssignment.ts';
import { DESK_STATUSES } from './caseDeadlines.ts';
import { loadCase, readCaseDetail } from './caseDetail.ts';
import { PARTIES, partyOf, readMessages, sendMessage } from './caseMessages.ts';
import { addNote } from './caseNotes.ts';
import { listCases, QUEUE_SORTS } from './caseQueue.ts';
import { readDeskMetrics } from './deskMetrics.ts';
import { prepareDisputeSchema } from './disputeMigrations.ts';
import { fileMatches, isInlineImage, readStoredFile } from './evidenceCheck.ts';
import { sniffType } from '../evidence/sniffType.ts';
import { isTimeZone, renderEvidencePack } from './evidencePack.ts';
import { listSellerClaims } from './sellerClaims.ts';
import { latestRollup } from '../ledger/ledgerRollup.ts';

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be 1–80 letters, digits, _ . -');
const caseParams = z.strictObject({ claimId: id });
const fileParams = z.strictObject({ claimId: id, sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const queueQuery = z.strictObject({
  status: z.optional(z.enum(DESK_STATUSES)),
  assignee: z.optional(z.union([z.literal('me'), z.literal('unassigned'), id])),
  priority: z.optional(z.enum(['urgent', 'high', 'normal', 'low'])),
  merchantId: z.optional(id),
  q: z.optional(z.string().trim().min(1).max(100)),
  sla: z.optional(z.literal('breached')),
  sort: z.optional(z.enum(QUEUE_SORTS)),
  dir: z.optional(z.enum(['asc', 'desc'])),
  limit: z.optional(z.string().regex(/^\d{1,3}$/)),
});
const noteBody = z.strictObject({ body: z.string().trim().min(1).max(4000) });
const messageBody = z.strictObject({
  to: z.enum(PARTIES),
  body: z.string().trim().min(1).max(4000),
});
const bulkAssignBody = z.strictObject({
  claimIds: z.array(id).min(1).max(100),
  /** null gives the cases back to the queue. */
  agentId: id.nullable(),
});
const exportQuery = z.strictObject({ claimId: z.optional(id) });
const packQuery = z.strictObject({
  tz: z.optional(z.string().max(64).refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai')),
});

async function requireAgent(ctx: ServerContext, req: FastifyRequest): Promise<Actor> {
  const actor = await requireActor(ctx, req);
  if (!isAgent(actor)) throw new DeskError('forbidden', 'the dispute desk is for agents');
  return actor;
}

/**
 * The dispute desk's reads and desk-only actions. Decisions are NOT here: they are escrow
 * commands (`decide_claim`, `second_approval`, …) that go through applyCommand like every other
 * desk action (sync push or the command routes), where the shared rules enforce maker-checker.
 * Registered as an encapsulated plugin so its tables exist before the first request.
 */
export function registerDisputeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  void app.register(async (scope) => {
    await prepareDisputeSchema(ctx.db);
    addDisputeRoutes(scope, ctx);
  });
}

function addDisputeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['disputes'];
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/cases',
    summary:
      'The case queue, most pressing first (?status=new|awaiting_seller_evidence|under_review|info_requested|awaiting_second_approval|decided, ?assignee=me|unassigned|<agent>, ?priority=, ?merchantId=, ?q=, ?sla=breached, ?sort=priority|amount|filed|deadline|status, ?dir=asc|desc, ?limit=), with the agents’ display names',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireAgent(ctx, req);
      const q = parseBody(queueQuery, req.query);
      const cases = await listCases(
        ctx.db,
        {
          ...(q.status ? { status: q.status } : {}),
          ...(q.assignee ? { assignee: q.assignee } : {}),
          ...(q.priority ? { priority: q.priority } : {}),
          ...(q.merchantId ? { merchantId: q.merchantId } : {}),
          ...(q.q ? { q: q.q } : {}),
          ...(q.sla ? { sla: q.sla } : {}),
          ...(q.sort ? { sort: q.sort } : {}),
          ...(q.dir ? { dir: q.dir } : {}),
          limit: Math.min(500, Number(q.limit ?? 200)),
        },
        actor.userId,
        ctx.clock.now(),
        ctx.policy,
      );
      return { now: ctx.clock.now(), cases, agents: await readAgents(ctx.db) };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/cases/:claimId',
    summary:
      'One case: order timeline, ledger postings, both sides’ evidence (hash-checked), seller history, internal notes, audit trail',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireAgent(ctx, req);
      const { claimId } = parseBody(caseParams, req.params);
      const now = ctx.clock.now();
      return ctx.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        return { now, case: await readCaseDetail(tx, claimId, actor, now, ctx.policy) };
      });
    },
  });
  for (const [path, assign] of [
    ['assign', true],
    ['unassign', false],
  ] as const) {
    addRoute(app, {
      method: 'POST',
      url: `/v1/disputes/cases/:claimId/${path}`,
      summary: assign ? 'Assign the case to me' : 'Give the case back to the queue',
      tags,
      roles: 'agent, senior_agent',
      auth: 'bearer',
      handler: async (req) => {
        const actor = await requireAgent(ctx, req);
        const { claimId } = parseBody(caseParams, req.params);
        parseBody(z.strictObject({}), req.body ?? {});
        const now = ctx.clock.now();
        return ctx.db.transaction(async (tx) => {
          const { order } = await loadCase(tx, claimId);
          return setAssignee(
            tx,
            { claimId, orderId: order.orderId },
            actor,
            assign ? actor.userId : null,
            now,
          );
        });
      },
    });
  }
  addRoute(app, {
    method: 'POST',
    url: '/v1/disputes/cases/assign',
    summary:
      'Assign many cases to one agent (or give them back with agentId null), all or none; each change is audited',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    body: bulkAssignBody,
    handler: async (req) => {
      const actor = await requireAgent(ctx, req);
      const { claimIds, agentId } = parseBody(bulkAssignBody, req.body ?? {});
      const now = ctx.clock.now();
      if (agentId !== null && !(await readAgents(ctx.db)).some((a) => a.userId === agentId))
        throw new DeskError('not_found', `no agent ${agentId}`);
      return ctx.db.transaction(async (tx) => {
        let changed = 0;
        // One order of locking for every caller, so two bulk assigns cannot deadlock.
        for (const claimId of [...new Set(claimIds)].sort()) {
          const { order } = await loadCase(tx, claimId);
          const r = await setAssignee(tx, { claimId, orderId: order.orderId }, actor, agentId, now);
          if (r.changed) changed++;
        }
        return { assignee: agentId, cases: new Set(claimIds).size, changed };
      });
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/disputes/cases/:claimId/messages',
    summary:
      'Write to the buyer or the seller of the case; stored, audited, and readable by that party',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    body: messageBody,
    handler: async (req, reply) => {
      const actor = await requireAgent(ctx, req);
      const { claimId } = parseBody(caseParams, req.params);
      const { to, body } = parseBody(messageBody, req.body ?? {});
      const now = ctx.clock.now();
      const message = await ctx.db.transaction(async (tx) => {
        const { order } = await loadCase(tx, claimId);
        return sendMessage(tx, { claimId, orderId: order.orderId }, actor, to, body, now);
      });
      return reply.code(201).send({ message });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/claims/:claimId/messages',
    summary:
      'The dispute desk’s messages to the caller about their claim: the buyer reads the buyer’s, the seller the seller’s; anyone else’s claim reads as not found',
    tags,
    roles: 'buyer (own claim), seller roles (own merchant)',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      const { claimId } = parseBody(caseParams, req.params);
      const party = await partyOf(ctx.db, claimId, actor);
      return { messages: await readMessages(ctx.db, [claimId], party) };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/disputes/cases/:claimId/notes',
    summary: 'Add an internal note (agents only; never shown to sellers or buyers)',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    body: noteBody,
    handler: async (req, reply) => {
      const actor = await requireAgent(ctx, req);
      const { claimId } = parseBody(caseParams, req.params);
      const { body } = parseBody(noteBody, req.body ?? {});
      const now = ctx.clock.now();
      const note = await ctx.db.transaction(async (tx) => {
        const { order } = await loadCase(tx, claimId);
        return addNote(tx, { claimId, orderId: order.orderId }, actor, body, now);
      });
      return reply.code(201).send({ note });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/cases/:claimId/evidence/:sha256',
    summary:
      'One evidence file of the case, re-hashed before it is served; raster images inline, everything else as a download',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req, reply) => {
      await requireAgent(ctx, req);
      const { claimId, sha256 } = parseBody(fileParams, req.params);
      const { claim } = await loadCase(ctx.db, claimId);
      const ref = [...claim.buyerEvidence, ...claim.sellerEvidence].find(
        (e) => e.sha256 === sha256,
      );
      if (!ref) throw new DeskError('not_found', 'this file is not evidence of this case');
      const content = await readStoredFile(ctx.db, sha256);
      if (!fileMatches(ref, content) || !content)
        throw new DeskError('evidence_mismatch', 'the stored file does not match its sha-256');
      // The bytes decide the type, not what the uploader (or the citing claim) says it is.
      const sniffed = sniffType(content);
      const inline = isInlineImage(sniffed);
      // Never let a file run as a page of ours: no sniffing, a sandbox CSP, and anything that
      // is not a plain raster image is an opaque download.
      const ascii = ref.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return reply
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('X-Evidence-Sha256', sha256)
        .header(
          'Content-Disposition',
          `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(ref.name)}`,
        )
        .type(inline ? sniffed : 'application/octet-stream')
        .send(content);
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/cases/:claimId/audit',
    summary: 'The case’s audit trail, with the verification of the whole hash chain',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req) => {
      await requireAgent(ctx, req);
      const { claimId } = parseBody(caseParams, req.params);
      await loadCase(ctx.db, claimId);
      return ctx.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        return { entries: await readCaseAudit(tx, claimId), chain: await verifyAuditChain(tx) };
      });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/audit/verify',
    summary: 'Verify the audit hash chain from its first row to its head',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req) => {
      await requireAgent(ctx, req);
      return ctx.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        return verifyAuditChain(tx);
      });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/audit/export',
    summary:
      'Export the audit trail (one case with ?claimId=, else all) as JSON lines with every row’s hashes',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req, reply) => {
      await requireAgent(ctx, req);
      const { claimId } = parseBody(exportQuery, req.query);
      const r = await ctx.db.query<Record<string, unknown>>(
        claimId === undefined
          ? 'SELECT * FROM case_audit ORDER BY seq'
          : 'SELECT * FROM case_audit WHERE claim_id = $1 ORDER BY seq',
        claimId === undefined ? [] : [claimId],
      );
      const body = r.rows.map((row) => JSON.stringify(row)).join('\n');
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="audit-${claimId ?? 'all'}.jsonl"`)
        .send(body.length ? `${body}\n` : '');
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/cases/:claimId/evidence-pack',
    summary:
      'A decided case as a PDF (timeline, evidence with hashes and the images themselves, decision, ledger legs, audit) for arbitration or the bank; times in ?tz= (IANA zone, default UTC)',
    tags,
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req, reply) => {
      const actor = await requireAgent(ctx, req);
      const { claimId } = parseBody(caseParams, req.params);
      const { tz } = parseBody(packQuery, req.query ?? {});
      const now = ctx.clock.now();
      const { detail, chain, rollup, images } = await ctx.db.transaction(async (tx) => {
        const d = await readCaseDetail(tx, claimId, actor, now, ctx.policy);
        if (d.summary.deskStatus !== 'decided')
          throw new DeskError('invalid_state', 'an evidence pack is made for decided cases only');
        // The export itself is a case action; the pack shows the chain including it.
        await appendAudit(tx, {
          claimId,
          orderId: d.order.orderId,
          actor,
          action: 'evidence_pack_exported',
          before: null,
          after: null,
          at: now,
        });
        // pdfkit embeds PNG and JPEG; the bytes (re-hashed) decide, not the declared type.
        const images = new Map<string, Buffer>();
        for (const e of [...d.evidence.buyer, ...d.evidence.seller]) {
          if (!e.verified) continue;
          const content = await readStoredFile(tx, e.sha256);
          const type = content ? sniffType(content) : '';
          if (content && (type === 'image/png' || type === 'image/jpeg'))
            images.set(e.sha256, content);
        }
        return {
          detail: { ...d, audit: await readCaseAudit(tx, claimId) },
          chain: await verifyAuditChain(tx),
          // The platform-wide ledger head the pack's postings are pinned under.
          rollup: await latestRollup(tx),
          images,
        };
      });
      const pdf = await renderEvidencePack(detail, chain, now, actor.userId, {
        timeZone: tz ?? 'UTC',
        images,
        rollup,
      });
      return reply
        .type('application/pdf')
        .header('Content-Disposition', `attachment; filename="evidence-pack-${claimId}.pdf"`)
        .send(pdf);
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/metrics',
    summary:
      'Desk metrics: open cases by age, decisions per agent, approval rate, compensation paid and recovered per week',
    tags,
    roles: 'senior_agent',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (actor.role !== 'senior_agent')
        throw new DeskError('forbidden', 'desk metrics are for senior agents');
      return readDeskMetrics(ctx.db, ctx.clock.now());
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/disputes/seller/claims',
    summary: 'Claims against the caller’s own merchant, with the evidence deadline',
    tags,
    roles: 'seller_staff, seller_admin',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (!isSeller(actor) || !actor.merchantId)
        throw new DeskError('forbidden', 'only a seller sees claims against their shop');
      return { now: ctx.clock.now(), claims: await listSellerClaims(ctx.db, actor.merchantId) };
    },
  });
}
