import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeskError } from '../../shared/errors.ts';
import { isSeller, requireActor } from '../http/requestActor.ts';
import { parseBody } from '../http/requestSchemas.ts';
import { addRoute } from '../http/routeSpec.ts';
import type { ServerContext } from '../http/serverContext.ts';
import { readMerchantTimeZone, saveMerchantTimeZone } from './merchantTimeZone.ts';

const settingsBody = z.strictObject({ timeZone: z.string().min(1).max(64) });

/** The merchant's own settings: today its time zone (staff read it, the admin sets it). */
export function registerMerchantSettingsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'GET',
    url: '/v1/merchant/settings',
    summary: "The merchant's settings: its IANA time zone (default Asia/Shanghai)",
    tags: ['merchant'],
    roles: 'seller_staff, seller_admin',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (!isSeller(actor) || !actor.merchantId)
        throw new DeskError('forbidden', 'settings belong to a merchant');
      return {
        merchantId: actor.merchantId,
        timeZone: await readMerchantTimeZone(ctx.db, actor.merchantId),
      };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/merchant/settings',
    summary: "Set the merchant's time zone (an IANA name; 400 invalid_time_zone otherwise)",
    tags: ['merchant'],
    roles: 'seller_admin',
    auth: 'bearer',
    body: settingsBody,
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (actor.role !== 'seller_admin' || !actor.merchantId)
        throw new DeskError('forbidden', "only a seller admin changes the shop's settings");
      const body = parseBody(settingsBody, req.body ?? {});
      const timeZone = await saveMerchantTimeZone(ctx.db, actor.merchantId, body.timeZone);
      return { merchantId: actor.merchantId, timeZone };
    },
  });
}
