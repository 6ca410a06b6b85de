import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../../shared/errors.ts';
import { httpStatusFor } from './errorStatus.ts';
import type { ServerContext } from './serverContext.ts';

/** The one error shape: `{ "error": { "code", "message" } }`, counted by code in /metrics. */
export function sendError(
  ctx: ServerContext,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  status = httpStatusFor(code),
): FastifyReply {
  ctx.metrics.rejections.inc({ code });
  return reply.code(status).type('application/json').send({ error: { code, message } });
}
