import type { FastifyInstance } from 'fastify';
import { login } from '../../auth/sessions.ts';
import { sendError } from '../sendError.ts';
import { loginBody, parseBody } from '../requestSchemas.ts';
import { requireActor } from '../requestActor.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'POST',
    url: '/v1/auth/login',
    summary: 'Log in; returns a bearer token that expires',
    tags: ['auth'],
    auth: 'none',
    body: loginBody,
    handler: async (req, reply) => {
      const body = parseBody(loginBody, req.body);
      const session = await login(
        ctx.db,
        body.username,
        body.password,
        ctx.clock.now(),
        ctx.sessionTtlMs,
      );
      if (!session) return sendError(ctx, reply, 'unauthorized', 'wrong username or password');
      return {
        token: session.token,
        expiresAt: session.expiresAt,
        user: { ...session.actor, displayName: session.displayName },
      };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/me',
    summary: 'Who the bearer token belongs to',
    tags: ['auth'],
    auth: 'bearer',
    handler: async (req) => ({ user: await requireActor(ctx, req) }),
  });
}
