import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { isFinance, requireActor } from '../http/requestActor.ts';
import type { ServerContext } from '../http/serverContext.ts';
import { DEFAULT_TREASURY_POLICY } from './treasuryPolicy.ts';
import type { TreasuryPolicy } from './treasuryPolicy.ts';

export function treasuryPolicyOf(ctx: ServerContext): TreasuryPolicy {
  return ctx.treasuryPolicy ?? DEFAULT_TREASURY_POLICY;
}

export async function requireFinance(ctx: ServerContext, req: FastifyRequest): Promise<Actor> {
  const actor = await requireActor(ctx, req);
  if (!isFinance(actor)) throw new DeskError('forbidden', 'this is for finance staff');
  return actor;
}
