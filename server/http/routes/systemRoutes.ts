import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DeskError } from '../../../shared/errors.ts';
import { bearerToken, isAgent, requireActor } from '../requestActor.ts';
import { sendError } from '../sendError.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

/**
 * `/metrics` is not public (issue 12): a scraper presents the configured metrics token, a
 * person an agent session. Anything else is `unauthorized` / `forbidden`.
 */
async function requireMetricsAccess(ctx: ServerContext, req: FastifyRequest): Promise<void> {
  const token = bearerToken(req);
  if (ctx.metricsToken) {
    const given = createHash('sha256').update(token).digest();
    const wanted = createHash('sha256').update(ctx.metricsToken).digest();
    if (timingSafeEqual(given, wanted)) return;
  }
  const actor = await requireActor(ctx, req);
  if (!isAgent(actor)) throw new DeskError('forbidden', 'metrics are for agents and scrapers');
}

export function registerSystemRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness and database reachability',
    tags: ['system'],
    auth: 'none',
    handler: async (_req, reply) => {
      try {
        await ctx.db.query('SELECT 1');
        return { ok: true, database: ctx.db.kind, time: ctx.clock.now() };
      } catch {
        return sendError(ctx, reply, 'unavailable', 'the database is unreachable');
      }
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/metrics',
    summary:
      'Prometheus metrics: `Authorization: Bearer <METRICS_TOKEN>` (scrapers) or an agent session',
    tags: ['system'],
    roles: 'the metrics token, agent, senior_agent',
    auth: 'bearer',
    handler: async (req, reply) => {
      await requireMetricsAccess(ctx, req);
      return reply.type('text/plain; version=0.0.4').send(ctx.metrics.render());
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    auth: 'none',
    handler: async () => app.swagger(),
  });
}
