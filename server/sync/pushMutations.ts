import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import type { MutationResult, PushRequest, PushResponse } from '../../shared/sync/protocol.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { cleanText } from '../../shared/text.ts';
import { dataErrorMessage, isDataError } from '../common/jsonSafety.ts';
import { applyBatch } from '../escrow/applyCommand.ts';
import { appendChangeRows } from '../escrow/changeLog.ts';
import type { ChangeLogRow } from '../escrow/changeLog.ts';
import { clientHomeShard, syncScopeOf } from './syncScope.ts';

/** Serialization failure and deadlock: nothing was committed, so the mutation is retried. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;
/**
 * Mutations applied per database transaction: a whole push (the protocol's maximum), group-
 * committed by applyBatch. Each keeps its own all-or-nothing unit (effects, stored result,
 * lastMutationId) because the chunk commits or rolls back whole; the batch's locks are held
 * for one transaction of a few multi-row statements.
 */
const MAX_CHUNK = 500;

export class SyncUnavailableError extends Error {
  /** Results of the mutations processed before the failure (already committed). */
  readonly partial: PushResponse;
  constructor(message: string, partial: PushResponse) {
    super(message);
    this.name = 'SyncUnavailableError';
    this.partial = partial;
  }
}

type Step = { kind: 'done'; last: number; result: MutationResult } | { kind: 'gap'; last: number };

/**
 * `POST /v1/sync/push` (docs/sync.md). Each mutation applies its command with `applyCommand`,
 * stores the answer in `sync_results` and, for a rejection, appends a `rejection` change; the
 * client's row is locked and `last_mutation_id` advanced in the same database transaction
 * (shared by up to MAX_CHUNK consecutive mutations, which commit or roll back together): all or
 * nothing. So a response lost after the commit costs nothing: the retry finds
 * `id <= last_mutation_id` and gets the stored answer.
 */
export async function pushMutations(
  db: Database,
  actor: Actor,
  req: PushRequest,
  clock: Clock,
  policy?: EscrowPolicy,
): Promise<PushResponse> {
  await claimClient(db, req.clientId, actor, clock.now());
  const results: MutationResult[] = [];
  let last = await lastMutationId(db, req.clientId);
  let chunkSize = MAX_CHUNK;
  let attempt = 1;
  let i = 0;
  while (i < req.mutations.length) {
    const chunk = req.mutations.slice(i, i + chunkSize);
    let steps: Step[];
    try {
      steps = await db.transaction(async (tx) => {
        // The client's row is locked once per chunk and written once at its end: the chunk
        // commits whole, so the ids in between are never seen by anyone.
        const c = await tx.query<{ last_mutation_id: number }>(
          'SELECT last_mutation_id FROM sync_clients WHERE client_id = $1 FOR UPDATE',
          [req.clientId],
        );
        const first = c.rows[0]?.last_mutation_id ?? 0;
        const { steps: out, last } = await pushChunk(
          tx,
          actor,
          req.clientId,
          first,
          chunk,
          clock,
          policy,
        );
        if (last !== first) {
          await tx.query(
            'UPDATE sync_clients SET last_mutation_id = $2, updated_at = $3 WHERE client_id = $1',
            [req.clientId, last, clock.now()],
          );
        }
        return out;
      });
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (isDataError(err)) {
        // The data itself was refused somewhere outside applyCommand's own handling. Find the
        // mutation: retry the chunk one by one; alone, the refused one is rejected for good in
        // its own transaction (it consumes its id), so the desk's queue moves on.
        if (chunkSize > 1) {
          chunkSize = 1;
          continue;
        }
        const m = chunk[0];
        if (m) {
          const step = await rejectPoisoned(db, actor, req.clientId, m, err, clock);
          last = step.last;
          if (step.kind === 'gap') {
            for (const rest of req.mutations.slice(results.length))
              results.push({ id: rest.id, status: 'skipped' });
            return { lastMutationId: last, results };
          }
          results.push(step.result);
          i += 1;
          attempt = 1;
          continue;
        }
      }
      if (attempt < ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) {
        // Nothing of the chunk was committed. Retry it one mutation per transaction, so two
        // desks' chunks cannot keep deadlocking on each other's order rows.
        attempt++;
        chunkSize = 1;
        continue;
      }
      throw new SyncUnavailableError(`mutation ${chunk[0]?.id} could not be applied now`, {
        lastMutationId: last,
        results,
      });
    }
    attempt = 1;
    for (const step of steps) {
      last = step.last;
      if (step.kind === 'gap') {
        for (const m of req.mutations.slice(results.length)) {
          results.push({ id: m.id, status: 'skipped' });
        }
        return { lastMutationId: last, results };
      }
      results.push(step.result);
    }
    i += steps.length;
  }
  return { lastMutationId: last, results };
}

type Mutation = PushRequest['mutations'][number];

/**
 * One chunk of consecutive mutations, given the client's last processed id (its row is locked
 * by the caller), group-committed: every new mutation's command goes through one `applyBatch`,
 * and their results and rejection changes are written with one statement each. Mutations
 * already processed get their stored answers; a gap stops the chunk.
 */
async function pushChunk(
  tx: Queryable,
  actor: Actor,
  clientId: string,
  first: number,
  chunk: readonly Mutation[],
  clock: Clock,
  policy: EscrowPolicy | undefined,
): Promise<{ steps: Step[]; last: number }> {
  type Planned = { m: Mutation; kind: 'stored' | 'new' } | { m: Mutation; kind: 'gap' };
  const plan: Planned[] = [];
  let last = first;
  for (const m of chunk) {
    if (m.id <= last) plan.push({ m, kind: 'stored' });
    else if (m.id === last + 1) {
      plan.push({ m, kind: 'new' });
      last = m.id;
    } else {
      plan.push({ m, kind: 'gap' });
      break;
    }
  }
  const fresh = plan.filter((p) => p.kind === 'new').map((p) => p.m);
  const now = clock.now();
  const applied = fresh.filter((m) => !m.abandon);
  const outcomes = await applyBatch(
    tx,
    applied.map((m) => ({ commandId: m.commandId, actor, command: m.command })),
    now,
    { policy },
  );
  const errors = new Map<number, ErrorInfo | null>();
  applied.forEach((m, i) => {
    const o = outcomes[i]!;
    errors.set(m.id, o.ok ? null : o.error);
  });
  for (const m of fresh)
    if (m.abandon)
      errors.set(m.id, {
        code: 'mutation_stuck',
        message: 'the desk gave up on this action after repeated failures; nothing was applied',
      });
  if (fresh.length > 0) {
    await tx.query(
      `INSERT INTO sync_results (client_id, mutation_id, command_id, status, error, created_at)
       SELECT $1, id, c, st, e::jsonb, $6
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS x(id, c, st, e)`,
      [
        clientId,
        fresh.map((m) => m.id),
        fresh.map((m) => m.commandId),
        fresh.map((m) => (errors.get(m.id) ? 'rejected' : 'applied')),
        fresh.map((m) => {
          const e = errors.get(m.id);
          return e ? JSON.stringify(e) : null;
        }),
        now,
      ],
    );
    await appendChangeRows(
      tx,
      fresh.flatMap((m) => {
        const e = errors.get(m.id);
        return e ? [rejectionChange(actor, clientId, m, e, now)] : [];
      }),
    );
  }
  const olderIds = plan
    .filter((p) => p.kind === 'stored' && !errors.has(p.m.id))
    .map((p) => p.m.id);
  const older = new Map<number, { status: 'applied' | 'rejected'; error: ErrorInfo | null }>();
  if (olderIds.length > 0) {
    const stored = await tx.query<{
      mutation_id: number;
      status: 'applied' | 'rejected';
      error: ErrorInfo | null;
    }>(
      `SELECT mutation_id, status, error FROM sync_results
        WHERE client_id = $1 AND mutation_id = ANY($2::bigint[])`,
      [clientId, olderIds],
    );
    for (const row of stored.rows)
      older.set(Number(row.mutation_id), { status: row.status, error: row.error });
  }
  let at = first;
  const steps: Step[] = plan.map((p): Step => {
    if (p.kind === 'gap') return { kind: 'gap', last: at };
    if (p.kind === 'new') at = p.m.id;
    const error = p.kind === 'new' || errors.has(p.m.id) ? errors.get(p.m.id) : undefined;
    if (error !== undefined) {
      return {
        kind: 'done',
        last: at,
        result: error
          ? { id: p.m.id, status: 'rejected', error }
          : { id: p.m.id, status: 'applied' },
      };
    }
    const row = older.get(p.m.id);
    if (!row) throw new Error(`no stored result for ${clientId}/${p.m.id}`);
    return {
      kind: 'done',
      last: at,
      result: row.error
        ? { id: p.m.id, status: row.status, error: row.error }
        : { id: p.m.id, status: row.status },
    };
  });
  return { steps, last };
}

/** Codes whose command must not be stored as sent (the database cannot hold it, or it is huge). */
const UNSTORABLE: ReadonlySet<string> = new Set([
  'invalid_text',
  'nesting_too_deep',
  'invalid_data',
]);

/**
 * The rejection change the desk pulls. A command refused for its data is stored as a stub (its
 * type and order id, cleaned): the desk matches a rejection by mutation and command id, and
 * the stub is what it can show; the original could not be stored or would poison the log.
 */
function rejectionChange(
  actor: Actor,
  clientId: string,
  m: Mutation,
  error: ErrorInfo,
  now: number,
): ChangeLogRow {
  return {
    // In the client's home shard, the one its pulls read rejections from (syncScope.ts).
    shard: clientHomeShard(syncScopeOf(actor), clientId),
    kind: 'rejection',
    key: clientId,
    merchantId: null,
    buyerId: null,
    commandId: m.commandId,
    createdAt: now,
    payload: {
      kind: 'rejection',
      mutationId: m.id,
      commandId: m.commandId,
      command: UNSTORABLE.has(error.code) ? commandStub(m.command) : m.command,
      error,
    },
  };
}

function commandStub(command: unknown): Record<string, string> {
  const c = command as { type?: unknown; orderId?: unknown };
  const stub: Record<string, string> = {
    type: typeof c.type === 'string' ? cleanText(c.type, 60) : 'unknown',
  };
  if (typeof c.orderId === 'string') stub.orderId = cleanText(c.orderId, 80);
  return stub;
}

/**
 * A mutation whose data the database refused outside applyCommand's handling: rejected for
 * good in its own transaction (sync_results, rejection change, lastMutationId), so it consumes
 * its id like any other rejection.
 */
async function rejectPoisoned(
  db: Database,
  actor: Actor,
  clientId: string,
  m: PushRequest['mutations'][number],
  err: unknown,
  clock: Clock,
): Promise<Step> {
  const error: ErrorInfo = { code: 'invalid_data', message: dataErrorMessage(err) };
  return db.transaction(async (tx) => {
    const c = await tx.query<{ last_mutation_id: number }>(
      'SELECT last_mutation_id FROM sync_clients WHERE client_id = $1 FOR UPDATE',
      [clientId],
    );
    const last = c.rows[0]?.last_mutation_id ?? 0;
    if (m.id !== last + 1) return { kind: 'gap', last } as Step;
    const now = clock.now();
    await tx.query(
      `INSERT INTO sync_results (client_id, mutation_id, command_id, status, error, created_at)
       VALUES ($1, $2, $3, 'rejected', $4, $5)`,
      [clientId, m.id, m.commandId, JSON.stringify(error), now],
    );
    await appendChangeRows(tx, [rejectionChange(actor, clientId, m, error, now)]);
    await tx.query(
      'UPDATE sync_clients SET last_mutation_id = $2, updated_at = $3 WHERE client_id = $1',
      [clientId, m.id, now],
    );
    return { kind: 'done', last: m.id, result: { id: m.id, status: 'rejected', error } } as Step;
  });
}

/** A client id belongs to the user who first used it; anyone else is refused. */
export async function claimClient(
  db: Queryable,
  clientId: string,
  actor: Actor,
  now: number,
): Promise<void> {
  await db.query(
    `INSERT INTO sync_clients (client_id, user_id, last_mutation_id, created_at, updated_at)
     VALUES ($1, $2, 0, $3, $3) ON CONFLICT DO NOTHING`,
    [clientId, actor.userId, now],
  );
  const r = await db.query<{ user_id: string }>(
    'SELECT user_id FROM sync_clients WHERE client_id = $1',
    [clientId],
  );
  if (r.rows[0]?.user_id !== actor.userId) {
    throw new DeskError('forbidden', 'this sync client belongs to another user');
  }
}

async function lastMutationId(db: Queryable, clientId: string): Promise<number> {
  const r = await db.query<{ last_mutation_id: number }>(
    'SELECT last_mutation_id FROM sync_clients WHERE client_id = $1',
    [clientId],
  );
  return r.rows[0]?.last_mutation_id ?? 0;
}
