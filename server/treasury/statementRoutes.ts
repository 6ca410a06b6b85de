import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeskError } from '../../shared/errors.ts';
import { parseBody, id, text } from '../http/requestSchemas.ts';
import { addRoute } from '../http/routeSpec.ts';
import type { ServerContext } from '../http/serverContext.ts';
import { importStatement } from './statements/importStatement.ts';
import {
  decideAdjustment,
  explainException,
  listExceptions,
  proposeAdjustment,
} from './statements/reconExceptions.ts';
import { buildReconReport } from './statements/reconReport.ts';
import { reconReportCsv, reconReportPdf } from './statements/reconReportDocs.ts';
import { readTreasuryOverview } from './treasuryOverview.ts';
import { requireFinance, treasuryPolicyOf } from './treasuryAccess.ts';

const importQuery = z.strictObject({
  bank: id,
  format: z.optional(z.enum(['camt053', 'csv'])),
});
const exceptionQuery = z.strictObject({
  status: z.optional(z.enum(['open', 'adjusting', 'resolved'])),
  statementId: z.optional(id),
});
const exceptionParams = z.strictObject({ exceptionId: id });
const explainBody = z.strictObject({ note: text(2000).min(1) });
const proposeBody = z.strictObject({ reason: text(2000).min(1) });
const decideBody = z.strictObject({ approve: z.boolean(), note: text(2000) });
const reportQuery = z.strictObject({
  format: z.optional(z.enum(['json', 'csv', 'pdf'])),
  lang: z.optional(z.enum(['zh', 'en'])),
});

const STATEMENT_TYPES = ['application/xml', 'text/xml', 'text/csv', 'application/octet-stream'];

/**
 * Statement import, the exceptions queue with its maker-checker adjustments, and the daily
 * reconciliation report. Finance only; registered inside the treasury plugin, whose scope alone
 * reads statement files as raw bytes (bounded by the policy's size).
 */
export function registerStatementRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['treasury'];
  const policy = treasuryPolicyOf(ctx);
  app.addContentTypeParser(
    STATEMENT_TYPES,
    { parseAs: 'buffer', bodyLimit: policy.maxStatementBytes },
    (_req, body, done) => done(null, body),
  );
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/statements',
    summary:
      'Import a bank statement (camt.053 XML or the bank’s CSV 对账单, GBK or UTF-8) and match it',
    tags,
    roles: 'finance',
    auth: 'bearer',
    consumes: STATEMENT_TYPES,
    handler: async (req, reply) => {
      const actor = await requireFinance(ctx, req);
      const q = parseBody(importQuery, req.query);
      if (!Buffer.isBuffer(req.body))
        throw new DeskError('statement_invalid', 'send the file as application/xml or text/csv');
      const r = await importStatement(
        ctx.db,
        actor,
        q.bank,
        req.body,
        q.format,
        ctx.clock.now(),
        policy,
      );
      return reply.code(r.duplicate ? 200 : 201).send({ statement: r });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/treasury/overview',
    summary: 'Finance at a glance: the latest statements, matched lines, open exceptions, trend',
    tags,
    roles: 'finance',
    auth: 'bearer',
    handler: async (req) => {
      await requireFinance(ctx, req);
      return readTreasuryOverview(ctx.db, ctx.clock.now());
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/treasury/exceptions',
    summary: 'The reconciliation exceptions queue',
    tags,
    roles: 'finance',
    auth: 'bearer',
    handler: async (req) => {
      await requireFinance(ctx, req);
      const q = parseBody(exceptionQuery, req.query);
      return { exceptions: await listExceptions(ctx.db, q) };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/exceptions/:exceptionId/explain',
    summary: 'Resolve an exception without moving money, with the reason (audited)',
    tags,
    roles: 'finance',
    auth: 'bearer',
    body: explainBody,
    handler: async (req) => {
      const actor = await requireFinance(ctx, req);
      const { exceptionId } = parseBody(exceptionParams, req.params);
      const body = parseBody(explainBody, req.body);
      return {
        exception: await explainException(ctx.db, actor, exceptionId, body.note, ctx.clock.now()),
      };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/exceptions/:exceptionId/adjustment',
    summary:
      'Maker: propose posting the difference (bank ↔ suspense); a second finance user checks',
    tags,
    roles: 'finance',
    auth: 'bearer',
    body: proposeBody,
    handler: async (req) => {
      const actor = await requireFinance(ctx, req);
      const { exceptionId } = parseBody(exceptionParams, req.params);
      const body = parseBody(proposeBody, req.body);
      return {
        exception: await proposeAdjustment(
          ctx.db,
          actor,
          exceptionId,
          body.reason,
          ctx.clock.now(),
        ),
      };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/exceptions/:exceptionId/adjustment/decision',
    summary: 'Checker: approve (post) or refuse a proposed adjustment; never the maker',
    tags,
    roles: 'finance',
    auth: 'bearer',
    body: decideBody,
    handler: async (req) => {
      const actor = await requireFinance(ctx, req);
      const { exceptionId } = parseBody(exceptionParams, req.params);
      const body = parseBody(decideBody, req.body);
      return {
        exception: await decideAdjustment(
          ctx.db,
          actor,
          exceptionId,
          body.approve,
          body.note,
          ctx.clock.now(),
        ),
      };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/treasury/statements/:statementId/report',
    summary: 'The daily reconciliation report (JSON, CSV or PDF; Chinese or English)',
    tags,
    roles: 'finance',
    auth: 'bearer',
    handler: async (req, reply) => {
      await requireFinance(ctx, req);
      const { statementId } = parseBody(z.strictObject({ statementId: id }), req.params);
      const q = parseBody(reportQuery, req.query);
      const report = await ctx.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        return buildReconReport(tx, statementId, ctx.clock.now());
      });
      const lang = q.lang ?? 'zh';
      const name = `reconciliation-${report.bank}-${report.statementDate}-${lang}`;
      if (q.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(reconReportCsv(report, lang));
      if (q.format === 'pdf')
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${name}.pdf"`)
          .send(await reconReportPdf(report, lang));
      return { report };
    },
  });
}
