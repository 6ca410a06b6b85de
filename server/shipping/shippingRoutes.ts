import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeskError } from '../../shared/errors.ts';
import { isSeller, requireActor } from '../http/requestActor.ts';
import { parseBody } from '../http/requestSchemas.ts';
import { addRoute } from '../http/routeSpec.ts';
import type { ServerContext } from '../http/serverContext.ts';
import {
  MERCHANT_ADDRESS_KINDS,
  readMerchantAddresses,
  saveMerchantAddress,
} from './merchantAddresses.ts';
import { assignWaybills } from './waybillSegments.ts';

const orderId = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be 1–80 letters, digits, _ . -');
const waybillBody = z.strictObject({
  carrier: z.string().regex(/^[a-z]{1,20}$/, 'a carrier code such as sf'),
  orderIds: z.array(orderId).min(1).max(500),
});
const addressKind = z.strictObject({ kind: z.enum(MERCHANT_ADDRESS_KINDS) });
const addressBody = z
  .record(z.string(), z.unknown())
  .describe('name, mobile, province, city, district, detail, postcode');

/**
 * Shipping for sellers: the merchant's sender and return addresses, and e-waybill numbers
 * assigned at ship time (server/shipping/waybillSegments.ts). Segments are loaded by a platform
 * operator with the admin CLI (`load-waybill-segment`), never over HTTP.
 */
export function registerShippingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'GET',
    url: '/v1/merchant/addresses',
    summary: "The merchant's sender and return addresses (null when not set)",
    tags: ['shipping'],
    roles: 'seller_staff, seller_admin',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (!isSeller(actor) || !actor.merchantId)
        throw new DeskError('forbidden', 'addresses belong to a merchant');
      return readMerchantAddresses(ctx.db, actor.merchantId);
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/merchant/addresses/:kind',
    summary: 'Set the sender or return address',
    tags: ['shipping'],
    roles: 'seller_admin',
    auth: 'bearer',
    body: addressBody,
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (actor.role !== 'seller_admin' || !actor.merchantId)
        throw new DeskError('forbidden', "only a seller admin edits the shop's addresses");
      const { kind } = parseBody(addressKind, req.params);
      const body = parseBody(addressBody, req.body ?? {});
      const address = await saveMerchantAddress(
        ctx.db,
        actor.merchantId,
        kind,
        body,
        actor.userId,
        ctx.clock.now(),
      );
      return { kind, address };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/waybills',
    summary:
      'Assign e-waybill numbers to orders at ship time (all or none); an order keeps its number on reprint',
    tags: ['shipping'],
    roles: 'seller_staff, seller_admin',
    auth: 'bearer',
    body: waybillBody,
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      const body = parseBody(waybillBody, req.body ?? {});
      const labels = await assignWaybills(
        ctx.db,
        actor,
        body.carrier,
        body.orderIds,
        ctx.clock.now(),
      );
      return { labels };
    },
  });
}
