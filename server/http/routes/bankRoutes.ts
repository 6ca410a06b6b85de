import type { FastifyInstance } from 'fastify';
import { findBankKey } from '../../bank/bankKeys.ts';
import {
  checkSignature,
  parseSignatureHeader,
  SIGNATURE_HEADER,
} from '../../bank/notificationSignature.ts';
import { receiveNotification } from '../../bank/receiveNotification.ts';
import { readOrder } from '../../escrow/orderRows.ts';
import { sendError } from '../sendError.ts';
import { bankNotificationBody, parseBody } from '../requestSchemas.ts';
import { addRoute } from '../routeSpec.ts';
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
      // The signature is checked over the exact bytes received, before anything else is trusted.
      const bank = (req.body as { bank?: unknown } | undefined)?.bank;
      const header = req.headers[SIGNATURE_HEADER];
      const headerText = typeof header === 'string' ? header : undefined;
      const kid = parseSignatureHeader(headerText)?.kid;
      const key =
        typeof bank === 'string' && kid !== undefined
          ? findBankKey(ctx.bankSecrets, bank, kid)
          : undefined;
      if (!key) return sendError(ctx, reply, 'unauthorized', 'unknown bank or key id');
      const check = checkSignature(key.secret, req.rawBody ?? '', headerText, ctx.clock.now());
      if (check === 'stale')
        return sendError(ctx, reply, 'unauthorized', 'the signature is too old (replay refused)');
      if (check !== 'ok') return sendError(ctx, reply, 'unauthorized', 'bad signature');
      const body = parseBody(bankNotificationBody, req.body);
      const outcome = await receiveNotification(
        ctx.db,
        body,
        req.rawBody ?? '',
        ctx.clock,
        ctx.policy,
      );
      if (!outcome.ok) return sendError(ctx, reply, outcome.error.code, outcome.error.message);
      if (!outcome.replayed) ctx.metrics.commandsApplied.inc({ type: 'confirm_payment' });
      const order = await readOrder(ctx.db, outcome.orderId);
      return {
        received: true,
        duplicate: outcome.replayed,
        orderId: outcome.orderId,
        status: order?.status ?? null,
      };
    },
  });
}
