import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import { DEFAULT_POLICY } from '../../shared/escrow/policy.ts';
import type { Actor, CommandEnvelope, OrderState } from '../../shared/escrow/types.ts';
import { isDeskError } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { canonicalJson } from '../../shared/ledger/canonicalJson.ts';
import { isCommandId } from '../../shared/ledger/commandIds.ts';
import { dataErrorMessage, findJsonProblem, isDataError } from '../common/jsonSafety.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { BatchEngine, EarlyWriteRefused, namedBy } from './batchEngine.ts';
import type { FreshCommand } from './batchEngine.ts';
import type { CommandOutcome } from './commandOutcome.ts';
import { CLAIM_ID_TAKEN } from '../disputes/disputeMigrations.ts';

export interface ApplyOptions {
  policy?: EscrowPolicy;
  /** Counts batches the database refused and that were applied one by one (metrics, tests). */
  stats?: { fallbacks: number };
  /**
   * Filled with each applied command's order as it stands right after that command (by command
   * id), so an HTTP route can answer without reading the order back. Replays are not in it.
   */
  ordersAfter?: Map<string, OrderState>;
  /**
   * The caller's transaction began with `SAVEPOINT apply_batch` (db.transaction's `savepoint`
   * option, APPLY_BATCH_SAVEPOINT) and has done nothing since: applyBatch does not take its
   * own, one round trip less (group commit).
   */
  savepointTaken?: boolean;
}

/** The savepoint a batch rolls back to before applying its commands one by one. */
export const APPLY_BATCH_SAVEPOINT = 'apply_batch';

/**
 * What a command id is bound to: the user who sent it and what it asks. Not their role or
 * merchant: a user promoted (seller_staff to seller_admin) or moved whose desk re-sends a
 * command the server applied before the answer reached it (the replica starts over for the new
 * scope and carries its queued actions over, under their ids) gets that command's stored
 * outcome, as any retry does, instead of a refusal of something that happened.
 */
function payloadHashOf(actor: Actor, command: unknown): string {
  return sha256Hex(canonicalJson({ userId: actor.userId, command }));
}

/** The form stored until 2026-12-03, over the whole actor: rows stored then still match. */
function legacyPayloadHashOf(actor: Actor, command: unknown): string {
  return sha256Hex(canonicalJson({ actor, command }));
}

/** One command: a batch of one (see applyBatch). */
export async function applyCommand(
  tx: Queryable,
  envelope: CommandEnvelope,
  now: number,
  opts: ApplyOptions = {},
): Promise<CommandOutcome> {
  const [outcome] = await applyBatch(tx, [envelope], now, opts);
  return outcome!;
}

/** A command that passed the checks made before its id is claimed. */
interface Screened extends FreshCommand {
  /** Position in the batch. */
  at: number;
  payloadHash: string;
}

/**
 * THE write path. Applies commands with the shared rules inside the CALLER's database
 * transaction, so HTTP routes (through the group-commit queue), the timer scheduler and sync
 * push (which records `lastMutationId` and its `sync_results` rows in the same transaction)
 * share it. Returns one outcome per envelope, in order; `now` is server time.
 *
 * - Idempotency: command ids are claimed with one multi-row INSERT. The same id from the same
 *   user with the same command returns the stored outcome (`replayed: true`, payloadHashOf); a
 *   different payload under that id is `idempotency_conflict` and writes nothing. An id
 *   repeated within the batch behaves as it would one command after the other.
 * - Orders are locked FOR UPDATE (in id order) before the rules run, so commands on one order
 *   are decided one after the other against committed state; within a batch they chain in
 *   arrival order (batchEngine.ts).
 * - A rejection (any DeskError, from the rules or from the ledger's guards and floors) is
 *   known before anything is written, leaves nothing, and is stored as the outcome: it
 *   consumes the command id like an applied command does.
 * - Effects: order rows + `order_events`, ledger transactions (with guard rows and the hash
 *   chain), and `changes` rows (`ledger_txn`, `order`, `order_event`), one statement per table.
 * - If the database refuses the batch's writes (a guard row a concurrent writer took, an order
 *   id created meanwhile, data it cannot hold), the batch rolls back to its savepoint and its
 *   commands are applied one by one, so only the bad one fails: alone, a refusal of its data
 *   (SQLSTATE class 22, 23, 54, or a RangeError) is its permanent `invalid_data` rejection, a
 *   taken guard or order id its precise code. Any other database failure (connection lost,
 *   deadlock, serialization failure) propagates and aborts the caller's transaction.
 */
export async function applyBatch(
  tx: Queryable,
  envelopes: readonly CommandEnvelope[],
  now: number,
  opts: ApplyOptions = {},
): Promise<CommandOutcome[]> {
  if (!Number.isSafeInteger(now)) throw new Error('now must be epoch milliseconds');
  const out: CommandOutcome[] = new Array<CommandOutcome>(envelopes.length);
  const screened: Screened[] = [];
  envelopes.forEach((envelope, at) => {
    const { commandId, actor, command } = envelope;
    const orderId =
      typeof command === 'object' && command !== null && typeof command.orderId === 'string'
        ? command.orderId
        : null;
    if (typeof commandId !== 'string' || !isCommandId(commandId)) {
      out[at] = rejected(commandId, orderId, { code: 'invalid_input', message: 'bad command id' });
      return;
    }
    // Bounded before anything recursive (canonical JSON, jsonb) sees it, and before the command
    // id is claimed: text the database cannot hold, or nesting that would overflow the stack, is
    // a permanent rejection of this command, never a failure of the transaction around it.
    const problem = findJsonProblem({ actor, command });
    if (problem) {
      out[at] = rejected(commandId, orderId, problem);
      return;
    }
    screened.push({
      at,
      envelope,
      orderId,
      payloadHash: payloadHashOf(actor, command),
    });
  });
  if (screened.length === 0) return out;

  const policy = opts.policy ?? DEFAULT_POLICY;
  // Never released: a RELEASE is one more round trip and changes nothing the commit does not
  // (a released subtransaction keeps its xid too). PostgreSQL keeps savepoints of one name as a
  // stack and ROLLBACK TO takes the newest, which is always this call's: a nested call (the
  // one-by-one fallback below) starts only after this one rolled back.
  if (!opts.savepointTaken) await tx.query(`SAVEPOINT ${APPLY_BATCH_SAVEPOINT}`);
  try {
    const outcomes = await claimAndApply(tx, screened, now, policy, opts.ordersAfter);
    screened.forEach((s, k) => (out[s.at] = outcomes[k]!));
    return out;
  } catch (caught) {
    const err = caught instanceof EarlyWriteRefused ? caught.refusal : caught;
    await tx.query(`ROLLBACK TO SAVEPOINT ${APPLY_BATCH_SAVEPOINT}`);
    if (!isDeskError(err) && !isDataError(err)) throw err;
    if (screened.length > 1) {
      if (opts.stats) opts.stats.fallbacks++;
      // What the rolled-back batch left in it is not what the commands one by one do.
      opts.ordersAfter?.clear();
      const one = { ...opts, savepointTaken: false };
      for (const s of screened) out[s.at] = (await applyBatch(tx, [s.envelope], now, one))[0]!;
    } else {
      const s = screened[0]!;
      out[s.at] = await storeRefusal(tx, s, rejectionOf(err), now);
    }
    return out;
  }
}

/** Claims the ids, answers replays and conflicts, applies the rest as one batch. */
async function claimAndApply(
  tx: Queryable,
  screened: Screened[],
  now: number,
  policy: EscrowPolicy,
  ordersAfter: Map<string, OrderState> | undefined,
): Promise<CommandOutcome[]> {
  // The first occurrence of each id claims it; claims go in id order so two batches sharing
  // ids wait on each other instead of deadlocking.
  const firsts = new Map<string, Screened>();
  for (const s of screened)
    if (!firsts.has(s.envelope.commandId)) firsts.set(s.envelope.commandId, s);
  const claims = [...firsts.values()].sort((a, b) =>
    a.envelope.commandId < b.envelope.commandId ? -1 : 1,
  );
  // One round trip: the claims, then (same statement, in this order) the named orders locked
  // in id order and the merchants of new orders. The orders of every first occurrence are
  // locked, also of ids already claimed (a replay): known only once the claims answer.
  const { orderIds, merchantIds } = namedBy(claims);
  const r = await tx.query<{
    k: 'c' | 'o' | 'm';
    id: string;
    state: OrderState | null;
    fee: number | null;
  }>(
    `WITH claimed AS (
       INSERT INTO commands (command_id, payload_sha256, actor_user_id, command_type, order_id,
                             created_at)
       SELECT *, $6::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT DO NOTHING RETURNING command_id
     ), locked AS (
       SELECT order_id, state FROM orders WHERE order_id = ANY($7::text[])
        ORDER BY order_id FOR UPDATE
     ), fees AS (
       SELECT merchant_id, fee_bps FROM merchants WHERE merchant_id = ANY($8::text[])
     )
     SELECT 'c' AS k, command_id AS id, NULL::jsonb AS state, NULL::int AS fee FROM claimed
     UNION ALL SELECT 'o', order_id, state, NULL FROM locked
     UNION ALL SELECT 'm', merchant_id, NULL, fee_bps FROM fees`,
    [
      claims.map((s) => s.envelope.commandId),
      claims.map((s) => s.payloadHash),
      claims.map((s) => String(s.envelope.actor?.userId ?? '')),
      claims.map((s) => String(s.envelope.command?.type ?? '')),
      claims.map((s) => s.orderId),
      now,
      orderIds,
      merchantIds,
    ],
    { prepared: true },
  );
  const claimed = new Set<string>();
  const orders: Array<[string, OrderState]> = [];
  const fees: Array<[string, number]> = [];
  for (const row of r.rows)
    if (row.k === 'c') claimed.add(row.id);
    else if (row.k === 'o') orders.push([row.id, row.state!]);
    else fees.push([row.id, Number(row.fee)]);
  // What the commands table holds (or will hold) per id, for replays and repeated ids.
  const stored = new Map<string, { payloadHash: string; result: CommandOutcome | null }>();
  const priorIds = claims.filter((s) => !claimed.has(s.envelope.commandId));
  if (priorIds.length > 0) {
    const prior = await tx.query<{
      command_id: string;
      payload_sha256: string;
      result: CommandOutcome | null;
    }>(
      'SELECT command_id, payload_sha256, result FROM commands WHERE command_id = ANY($1::text[])',
      [priorIds.map((s) => s.envelope.commandId)],
    );
    for (const row of prior.rows)
      stored.set(row.command_id, { payloadHash: row.payload_sha256, result: row.result });
  }

  const engine = new BatchEngine(tx, now, policy);
  const fresh = screened.filter(
    (s) => claimed.has(s.envelope.commandId) && firsts.get(s.envelope.commandId) === s,
  );
  await engine.prepare(fresh, { orders, fees });
  const outcomes: CommandOutcome[] = [];
  for (const s of screened) {
    const { commandId } = s.envelope;
    if (claimed.has(commandId) && firsts.get(commandId) === s) {
      const outcome = await engine.apply(s);
      if (outcome.ok && ordersAfter) {
        const order = engine.order(outcome.orderId);
        if (order) ordersAfter.set(commandId, order);
      }
      stored.set(commandId, { payloadHash: s.payloadHash, result: outcome });
      outcomes.push(outcome);
      continue;
    }
    const row = stored.get(commandId);
    const same =
      row !== undefined &&
      (row.payloadHash === s.payloadHash ||
        row.payloadHash === legacyPayloadHashOf(s.envelope.actor, s.envelope.command));
    outcomes.push(
      !same || !row.result
        ? rejected(commandId, s.orderId, {
            code: 'idempotency_conflict',
            message: 'this command id was already used for a different command',
          })
        : { ...row.result, replayed: true },
    );
  }
  await engine.finish();
  return outcomes;
}

/**
 * A lone command whose writes the database refused: its id is claimed with the refusal as its
 * stored outcome, so it consumes the id like any rejection.
 */
async function storeRefusal(
  tx: Queryable,
  s: Screened,
  error: ErrorInfo,
  now: number,
): Promise<CommandOutcome> {
  const { commandId, actor, command } = s.envelope;
  const outcome = rejected(commandId, s.orderId, error);
  const r = await tx.query(
    `INSERT INTO commands (command_id, payload_sha256, actor_user_id, command_type, order_id,
                           result, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [
      commandId,
      s.payloadHash,
      String(actor?.userId ?? ''),
      String(command?.type ?? ''),
      s.orderId,
      JSON.stringify(outcome),
      now,
    ],
  );
  // Someone claimed the id while the savepoint was rolled back: let the caller retry and find
  // their outcome, rather than answer twice for one id.
  if (r.rowCount === 0)
    throw Object.assign(new Error(`command ${commandId} was claimed concurrently`), {
      code: '40001',
    });
  return outcome;
}

function rejected(commandId: string, orderId: string | null, error: ErrorInfo): CommandOutcome {
  return { ok: false, commandId, orderId, error, replayed: false };
}

/**
 * DeskErrors, and the balance CHECK constraint as a last line of defence, become rejections;
 * so does any other refusal of the data itself (SQLSTATE class 22, 23, 54, or a RangeError):
 * the same command would fail the same way on every retry, so it is rejected for good
 * (`invalid_data`) instead of failing the transaction around it, which for sync push would
 * stall the desk's queue behind it.
 */
function rejectionOf(err: unknown): ErrorInfo {
  if (isDeskError(err)) return err.toJSON();
  const pgCode = (err as { code?: unknown } | null)?.code;
  if (pgCode === '23514')
    return { code: 'insufficient_funds', message: 'a balance would cross its floor' };
  if (pgCode === '23505' && (err as { constraint?: unknown }).constraint === CLAIM_ID_TAKEN)
    return { code: 'claim_exists', message: 'this claim id is already taken' };
  return { code: 'invalid_data', message: dataErrorMessage(err) };
}
