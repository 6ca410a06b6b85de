import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { LoginRefused } from '../auth/loginGuard.ts';
import type { Socket } from 'node:net';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import { DeskError, isDeskError } from '../../shared/errors.ts';
import { dataErrorMessage, findJsonProblem, isDataError } from '../common/jsonSafety.ts';
import { isConnectionLoss } from '../db/connectionLoss.ts';
import { findPushEnvelopeProblem, SYNC_PUSH_URL } from '../sync/pushSafety.ts';
import { sendError } from './sendError.ts';
import { registerAuthRoutes } from './routes/authRoutes.ts';
import { registerBankRoutes } from './routes/bankRoutes.ts';
import { registerCommandRoutes } from './routes/commandRoutes.ts';
import { registerEvidenceRoutes } from './routes/evidenceRoutes.ts';
import { registerLedgerRoutes } from './routes/ledgerRoutes.ts';
import { registerReadRoutes } from './routes/readRoutes.ts';
import { registerSystemRoutes } from './routes/systemRoutes.ts';
import { registerDisputeRoutes } from '../disputes/disputeRoutes.ts';
import { registerTreasuryRoutes } from '../treasury/treasuryRoutes.ts';
import { registerShippingRoutes } from '../shipping/shippingRoutes.ts';
import { registerMerchantSettingsRoutes } from '../merchant/merchantSettingsRoutes.ts';
import { syncRoutes } from '../sync/syncRoutes.ts';
import type { ServerContext } from './serverContext.ts';
import { sessionsOf } from './serverContext.ts';

/** Refuses bytes that are not UTF-8, and keeps a byte-order mark (signatures cover it). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact JSON text received, for HMAC checks of bank notifications. */
    rawBody?: string;
  }
}

/** Open connections one client address may hold (a shop's desks behind one NAT stay far below). */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

/** The Fastify app with every route; the caller listens (main.ts, tests) and closes it. */
export async function buildApp(
  ctx: ServerContext,
  opts: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: ctx.bodyLimitBytes,
    // Request bodies are parsed with zod in each handler; responses are plain JSON.
    ajv: { customOptions: { strict: false } },
  });
  // Security headers on every answer (issue 12): no sniffing, never framed, no referrer, and
  // nothing an API returns is cached (answers are per caller). A route that serves a file sets
  // its own sandbox CSP, which is kept.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    if (!reply.hasHeader('Content-Security-Policy'))
      reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    reply.header('Cache-Control', 'no-store');
    return payload;
  });
  // At most `maxConnectionsPerAddress` open connections per client address: beyond that a new
  // connection is closed at once, before any HTTP is parsed. One address flooding the API with
  // a thousand connections then costs accepts, not a thousand requests in the event loop's
  // queue ahead of everyone else's (the login limit alone still had to answer each with a 429).
  const perAddress = new Map<string, number>();
  const maxPerAddress = ctx.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  app.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const open = perAddress.get(address) ?? 0;
    if (open >= maxPerAddress) {
      socket.destroy();
      return;
    }
    perAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    // JSON on the wire is UTF-8 (RFC 8259). Bytes that are not (a GBK file posted as is) are
    // refused, not turned into U+FFFD: a title or a reason would be stored garbled for good.
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      return done(new DeskError('invalid_text', 'the body is not valid UTF-8'), undefined);
    }
    req.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      // V8's JSON.parse is iterative: a deeply nested body cannot overflow the stack here.
      value = JSON.parse(text);
    } catch {
      return done(new DeskError('invalid_input', 'the body is not valid JSON'), undefined);
    }
    // Depth and text are bounded before any schema, hash or query sees the body. Sync push
    // checks each mutation's command on its own (a bad one is a rejected mutation, never a
    // refused batch that would stall the desk's queue), and the rest of its body here.
    const problem =
      req.routeOptions.url === SYNC_PUSH_URL
        ? findPushEnvelopeProblem(value)
        : findJsonProblem(value);
    if (problem) return done(new DeskError(problem.code, problem.message), undefined);
    done(null, value);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Escrow Desk central API',
        version: '1',
        description:
          'Authoritative escrow server. Amounts are integer fen. Errors are `{ "error": { "code", "message" } }`. Send `Idempotency-Key: <uuid>` on commands to make retries safe.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          bankSignature: { type: 'apiKey', in: 'header', name: 'x-bank-signature' },
        },
      },
    },
  });
  // Per-address limits, on the routes that ask for them (login); the answer is our error shape.
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) =>
      new LoginRefused(
        'login_throttled',
        `too many login attempts from this address; retry in ${context.after}`,
        context.ttl,
      ),
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: ctx.maxEvidenceBytes, files: 1, fields: 5 },
    throwFileSizeLimit: true,
  });

  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.requestSeconds.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError | DeskError, req, reply) => {
    if (err instanceof LoginRefused && err.retryAfterS !== undefined)
      void reply.header('Retry-After', String(err.retryAfterS));
    if (isDeskError(err)) return sendError(ctx, reply, err.code, err.message);
    // The database refused the data itself (or it was too big or deep to process): the same
    // request would fail the same way, so it is the caller's 400, not our 500.
    if (isDataError(err)) return sendError(ctx, reply, 'invalid_data', dataErrorMessage(err));
    // The database went away (a failover, a restart) before this request's transaction
    // committed, or while it did: whether it landed is unknown, so never a success. The
    // caller retries with the same command id, which replays if it did land.
    if (isConnectionLoss(err))
      return sendError(
        ctx,
        reply,
        'unavailable',
        'the database is unavailable (failover in progress?): retry with the same Idempotency-Key',
      );
    const status = err.statusCode ?? 500;
    if (status === 413) return sendError(ctx, reply, 'payload_too_large', 'the body is too large');
    if (status >= 400 && status < 500)
      return sendError(ctx, reply, 'invalid_input', err.message, status);
    req.log.error(err);
    return sendError(ctx, reply, 'internal', 'internal error');
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(ctx, reply, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
  );

  registerSystemRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerReadRoutes(app, ctx);
  registerCommandRoutes(app, ctx);
  registerBankRoutes(app, ctx);
  registerEvidenceRoutes(app, ctx);
  registerLedgerRoutes(app, ctx);
  registerDisputeRoutes(app, ctx);
  registerTreasuryRoutes(app, ctx);
  registerShippingRoutes(app, ctx);
  registerMerchantSettingsRoutes(app, ctx);
  await app.register(syncRoutes, {
    db: ctx.db,
    clock: ctx.clock,
    policy: ctx.policy,
    sessions: sessionsOf(ctx),
  });
  return app;
}
