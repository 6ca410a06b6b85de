import type { FastifyInstance } from 'fastify';
import { DeskError } from '../../shared/errors.ts';
import { parseBody } from '../http/requestSchemas.ts';
import { isSeller, requireActor } from '../http/requestActor.ts';
import { addRoute } from '../http/routeSpec.ts';
import type { ServerContext } from '../http/serverContext.ts';
import {
  prepareReturnAddressSchema,
  readReturnAddress,
  returnAddressBody,
  writeReturnAddress,
} from './returnAddress.ts';

export const RETURN_ADDRESS_URL = '/v1/merchant/return-address';

/**
 * The merchant's return address: its staff read it (the refunds desk shows it when agreeing to
 * a return), its admin sets it. One Fastify plugin that brings its table up to date first.
 */
export async function returnAddressRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await prepareReturnAddressSchema(ctx.db);
  addRoute(app, {
    method: 'GET',
    url: RETURN_ADDRESS_URL,
    summary: "The caller's merchant's return address for return-and-refund (null when unset)",
    tags: ['refunds'],
    roles: 'seller_staff, seller_admin',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (!isSeller(actor) || !actor.merchantId)
        throw new DeskError('forbidden', 'only a merchant has a return address');
      return { address: await readReturnAddress(ctx.db, actor.merchantId) };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: RETURN_ADDRESS_URL,
    summary: "Set the caller's merchant's return address",
    tags: ['refunds'],
    roles: 'seller_admin',
    auth: 'bearer',
    body: returnAddressBody,
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (actor.role !== 'seller_admin' || !actor.merchantId)
        throw new DeskError('forbidden', "only the merchant's admin sets the return address");
      const body = parseBody(returnAddressBody, req.body);
      await writeReturnAddress(ctx.db, actor.merchantId, body, actor.userId, ctx.clock.now());
      return { address: await readReturnAddress(ctx.db, actor.merchantId) };
    },
  });
}
