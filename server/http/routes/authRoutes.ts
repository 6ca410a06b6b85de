import type { FastifyInstance } from 'fastify';
import { DEFAULT_LOGIN_LIMITS, guardedLogin } from '../../auth/loginGuard.ts';
import { endSession } from '../../auth/sessions.ts';
import { sendError } from '../sendError.ts';
import { emptyBody, loginBody, parseBody } from '../requestSchemas.ts';
import { bearerToken, requireActor } from '../requestActor.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limits = ctx.loginLimits ?? DEFAULT_LOGIN_LIMITS;
  addRoute(app, {
    method: 'POST',
    url: '/v1/auth/login',
    summary:
      'Log in; returns a bearer token that expires. Throttled per address (429 login_throttled, Retry-After) and per account (backoff, then 423 account_locked until an administrator unlocks it)',
    tags: ['auth'],
    auth: 'none',
    body: loginBody,
    config: { rateLimit: { max: limits.perIpPerMinute, timeWindow: 60_000 } },
    handler: async (req, reply) => {
      const body = parseBody(loginBody, req.body);
      const session = await guardedLogin(
        ctx.db,
        { username: body.username, password: body.password, clientKey: req.ip },
        ctx.clock.now(),
        ctx.sessionTtlMs,
        limits,
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
    method: 'POST',
    url: '/v1/auth/logout',
    summary: 'End this session on the server: the bearer token stops working at once',
    tags: ['auth'],
    auth: 'bearer',
    body: emptyBody,
    handler: async (req) => {
      await requireActor(ctx, req);
      parseBody(emptyBody, req.body ?? {});
      await endSession(ctx.db, bearerToken(req));
      return { loggedOut: true };
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
