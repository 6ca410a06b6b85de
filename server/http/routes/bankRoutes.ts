import type { FastifyInstance } from 'fastify';
import { receiveNotification } from '../../bank/receiveNotification.ts';
import { verifyBankRequest } from '../../bank/verifyBankRequest.ts';
import { readOrder } from '../../escrow/orderRows.ts';
import { sendError } from '../sendError.ts';
import { bankNotificationBody, parseBody } from '../requestSchemas.ts';
import { addRoute } from '../routeSpec.ts';
import { commandsOf } from '../serverContext.ts';
import type { ServerContext } from '../serverContext.ts';

export function registerBankRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'POST',
    url: '/v1/bank/notifications',
    summary:
      'Partner bank payment notification, signed: x-bank-signature: t=<ms>,kid=<key id>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>',
    tags: ['bank'],
    auth: 'bank_signature',
    body: bankNotificationBody,
    handler: async (req, reply) => {
      verifyBankRequest(req, ctx.bankSecrets, ctx.clock);
      const body = parseBody(bankNotificationBody, req.body);
      const { outcome, order: applied } = await receiveNotification(
        commandsOf(ctx),
        body,
        req.rawBody ?? '',
        ctx.clock.now(),
      );
      if (!outcome.ok) return sendError(ctx, reply, outcome.error.code, outcome.error.message);
      if (!outcome.replayed) ctx.metrics.commandsApplied.inc({ type: 'confirm_payment' });
      const order = applied ?? (await readOrder(ctx.db, outcome.orderId));
      return {
        received: true,
        duplicate: outcome.replayed,
        orderId: outcome.orderId,
        status: order?.status ?? null,
      };
    },
  });
}
