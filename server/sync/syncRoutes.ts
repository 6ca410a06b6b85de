import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError, isDeskError } from '../../shared/errors.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import {
  MAX_PUSH_MUTATIONS,
  MIN_SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
  chainQuerySchema,
  pullRequestSchema,
  pushRequestSchema,
} from '../../shared/sync/protocol.ts';
import { SessionLookups } from '../auth/sessionLookups.ts';
import { dataErrorMessage, isDataError } from '../common/jsonSafety.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { startPokeHub } from './pokeHub.ts';
import type { PokeHub } from './pokeHub.ts';
import { pullChanges } from './pullChanges.ts';
import { SyncUnavailableError, claimClient, pushMutations } from './pushMutations.ts';
import { scopedChainHead } from './scopedChainHead.ts';
import { chainAsOf } from './syncCookie.ts';
import { parseShardVector } from '../../shared/sync/shardVector.ts';
import { syncScopeOf } from './syncScope.ts';
import { prepareSyncSchema } from './syncMigrations.ts';

export interface SyncRouteDeps {
  db: Database;
  clock: Clock;
  policy?: EscrowPolicy;
  /** Resolves the caller; by default the bearer token's session (server/auth/sessionLookups.ts). */
  authenticate?: (request: FastifyRequest) => Promise<Actor | null>;
  /** The server's bearer-token lookups, shared with its other routes (one made if absent). */
  sessions?: SessionLookups;
  /** How often an open poke stream says it is alive (and re-checks the caller's session). */
  pokeKeepAliveMs?: number;
}

/** The poke stream (docs/sync.md "Pokes"): Server-Sent Events, one `poke` per change. */
export const SYNC_POKE_URL = '/v1/sync/poke';

/** 500 mutations of a few KB each, with room; larger bodies are refused before parsing. */
const PUSH_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  invalid_text: 400,
  nesting_too_deep: 400,
  invalid_data: 400,
  upgrade_required: 426,
  unavailable: 503,
};

/**
 * The desk's protocol version from its header. Desks from before the header spoke version 1,
 * so none is 1; anything else that is not a version is bad input.
 */
export function deskProtocolOf(header: string | string[] | undefined): number {
  if (header === undefined) return 1;
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^(0|[1-9][0-9]{0,3})$/.test(text))
    throw new DeskError('invalid_input', `${SYNC_PROTOCOL_HEADER} must be a version number`);
  const version = Number(text);
  if (version < MIN_SYNC_PROTOCOL)
    throw new DeskError(
      'upgrade_required',
      `this desk speaks sync protocol ${version}; the server needs ${MIN_SYNC_PROTOCOL} or later: update Escrow Desk`,
    );
  return version;
}

function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(STATUS[code] ?? 500).send({ error: { code, message } });
}

/**
 * The sync endpoints (docs/sync.md), as one Fastify plugin: register it on the app with
 * `app.register(syncRoutes, deps)`. It brings its own tables up to date before it serves.
 */
export async function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): Promise<void> {
  await prepareSyncSchema(deps.db);
  const hub: PokeHub = await startPokeHub(deps.db);
  const streams = new Set<() => void>();
  // Open streams would hold the server's close forever: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.addHook('onClose', async () => hub.close());
  const sessions = deps.sessions ?? new SessionLookups(deps.db);
  const authenticate =
    deps.authenticate ??
    (async (request: FastifyRequest): Promise<Actor | null> => {
      const header = request.headers.authorization ?? '';
      const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
      if (!m?.[1]) return null;
      return (await sessions.actorFor(m[1], deps.clock.now()))?.actor ?? null;
    });

  async function guarded(
    request: FastifyRequest,
    reply: FastifyReply,
    handle: (actor: Actor) => Promise<unknown>,
  ): Promise<unknown> {
    try {
      deskProtocolOf(request.headers[SYNC_PROTOCOL_HEADER]);
      const actor = await authenticate(request);
      if (!actor) return sendError(reply, 'unauthorized', 'sign in first');
      return await handle(actor);
    } catch (err) {
      if (err instanceof SyncUnavailableError) {
        // The processed prefix is committed; the desk learns it on the retry.
        return sendError(reply, 'unavailable', err.message);
      }
      if (isDeskError(err)) return sendError(reply, err.code, err.message);
      // The data itself was refused (SQLSTATE 22/23/54, RangeError): the same request fails the
      // same way every time, so it is the caller's 400, never a retryable 503.
      if (isDataError(err)) return sendError(reply, 'invalid_data', dataErrorMessage(err));
      request.log.error(err);
      return sendError(reply, 'unavailable', 'the server could not complete sync now');
    }
  }

  app.post('/v1/sync/push', { bodyLimit: PUSH_BODY_LIMIT_BYTES }, (request, reply) =>
    guarded(request, reply, async (actor) => {
      syncScopeOf(actor);
      const raw = request.body as { mutations?: unknown } | null;
      if (Array.isArray(raw?.mutations) && raw.mutations.length > MAX_PUSH_MUTATIONS) {
        throw new DeskError('payload_too_large', `at most ${MAX_PUSH_MUTATIONS} mutations a push`);
      }
      const parsed = pushRequestSchema.safeParse(raw);
      if (!parsed.success) throw new DeskError('invalid_input', parsed.error.message.slice(0, 500));
      const ids = parsed.data.mutations.map((m) => m.id);
      if (ids.some((id, i) => i > 0 && id !== (ids[i - 1] ?? 0) + 1)) {
        throw new DeskError('invalid_input', 'mutation ids must be consecutive and ascending');
      }
      return pushMutations(deps.db, actor, parsed.data, deps.clock, deps.policy);
    }),
  );

  app.post('/v1/sync/pull', (request, reply) =>
    guarded(request, reply, async (actor) => {
      const scope = syncScopeOf(actor);
      const parsed = pullRequestSchema.safeParse(request.body);
      if (!parsed.success) throw new DeskError('invalid_input', parsed.error.message.slice(0, 500));
      await claimClient(deps.db, parsed.data.clientId, actor, deps.clock.now());
      const text = await pullChanges(deps.db, scope, parsed.data);
      return reply.type('application/json; charset=utf-8').send(text);
    }),
  );

  // A desk subscribes with its bearer token and pulls whenever it hears `poke`; `ready` says
  // the subscription is live (the desk pulls once then, for anything that came before).
  app.get(SYNC_POKE_URL, async (request, reply) => {
    let actor: Actor;
    let token = '';
    try {
      deskProtocolOf(request.headers[SYNC_PROTOCOL_HEADER]);
      token =
        /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const who = await authenticate(request);
      if (!who) return sendError(reply, 'unauthorized', 'sign in first');
      actor = who;
    } catch (err) {
      if (isDeskError(err)) return sendError(reply, err.code, err.message);
      throw err;
    }
    let scope;
    try {
      scope = syncScopeOf(actor);
    } catch (err) {
      if (isDeskError(err)) return sendError(reply, err.code, err.message);
      throw err;
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    raw.write('event: ready\ndata: {}\n\n');
    const keepAliveMs = deps.pokeKeepAliveMs ?? 25_000;
    const keepAlive = setInterval(() => {
      raw.write(': alive\n\n');
      // A revoked or expired session stops hearing pokes at the next beat.
      if (token && !deps.authenticate)
        void sessions
          .actorFor(token, deps.clock.now())
          .then((s) => (s ? undefined : end()))
          .catch(() => undefined);
    }, keepAliveMs);
    keepAlive.unref();
    const off = hub.subscribe(scope, () => raw.write('event: poke\ndata: {}\n\n'));
    function end(): void {
      if (!streams.delete(end)) return;
      off();
      clearInterval(keepAlive);
      raw.end();
    }
    streams.add(end);
    raw.on('close', end);
  });

  app.get('/v1/sync/chain', (request, reply) =>
    guarded(request, reply, async (actor) => {
      const scope = syncScopeOf(actor);
      const parsed = chainQuerySchema.safeParse(request.query);
      if (!parsed.success) throw new DeskError('invalid_input', 'upTo must be shard:seq pairs');
      const upTo = parseShardVector(parsed.data.upTo);
      if (!upTo) throw new DeskError('invalid_input', 'bad upTo: shard:seq pairs');
      return scopedChainHead(deps.db, scope, upTo, chainAsOf(parsed.data.cookie));
    }),
  );
}
