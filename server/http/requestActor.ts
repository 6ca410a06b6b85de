import type { FastifyRequest } from 'fastify';
import { DeskError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { actorForToken } from '../auth/sessions.ts';
import type { ServerContext } from './serverContext.ts';

/** The authenticated actor from `Authorization: Bearer <token>`, or `unauthorized`. */
export async function requireActor(ctx: ServerContext, req: FastifyRequest): Promise<Actor> {
  const header = req.headers.authorization;
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header ?? '');
  if (!m?.[1]) throw new DeskError('unauthorized', 'a bearer token is required');
  const found = await actorForToken(ctx.db, m[1], ctx.clock.now());
  if (!found) throw new DeskError('unauthorized', 'the token is unknown or has expired');
  return found.actor;
}

export const isAgent = (actor: Actor): boolean =>
  actor.role === 'agent' || actor.role === 'senior_agent';
export const isSeller = (actor: Actor): boolean =>
  actor.role === 'seller_staff' || actor.role === 'seller_admin';
