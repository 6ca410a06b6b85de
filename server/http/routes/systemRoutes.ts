import type { FastifyInstance } from 'fastify';
import { sendError } from '../sendError.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

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
    summary: 'Prometheus metrics',
    tags: ['system'],
    auth: 'none',
    handler: async (_req, reply) =>
      reply.type('text/plain; version=0.0.4').send(ctx.metrics.render()),
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
