import type { FastifyRequest } from 'fastify';
import { DeskError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { sessionsOf } from './serverContext.ts';
import type { ServerContext } from './serverContext.ts';

/** The bearer token of `Authorization: Bearer <token>`, or `unauthorized`. */
export function bearerToken(req: FastifyRequest): string {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(req.headers.authorization ?? '');
  if (!m?.[1]) throw new DeskError('unauthorized', 'a bearer token is required');
  return m[1];
}

/** The authenticated actor from `Authorization: Bearer <token>`, or `unauthorized`. */
export async function requireActor(ctx: ServerContext, req: FastifyRequest): Promise<Actor> {
  const found = await sessionsOf(ctx).actorFor(bearerToken(req), ctx.clock.now());
  if (!found) throw new DeskError('unauthorized', 'the token is unknown or has expired');
  return found.actor;
}

export const isAgent = (actor: Actor): boolean =>
  actor.role === 'agent' || actor.role === 'senior_agent';
export const isSeller = (actor: Actor): boolean =>
  actor.role === 'seller_staff' || actor.role === 'seller_admin';
export const isFinance = (actor: Actor): boolean => actor.role === 'finance';
