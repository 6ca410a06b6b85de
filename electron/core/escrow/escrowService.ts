import { DeskError, fail, isDeskError, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import { authorize } from '../../../shared/escrow/authorize.ts';
import { decide } from '../../../shared/escrow/decide.ts';
import { applyEvents, evolve } from '../../../shared/escrow/evolve.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { EscrowPolicy } from '../../../shared/escrow/policy.ts';
import type {
  Actor,
  CommandEnvelope,
  EscrowEvent,
  OrderState,
} from '../../../shared/escrow/types.ts';
import { account, normalBalance } from '../../../shared/ledger/accounts.ts';
import { postingFor, recoveryLegs } from '../../../shared/ledger/postings.ts';
import { createLedger } from '../ledger/ledger.ts';
import type { PostedTxn } from '../ledger/ledger.ts';
import type { PostingRequest } from '../../../shared/ledger/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { createCommandLog } from './commandLog.ts';
import { createOrderStore } from './orderStore.ts';
import { payloadHash } from './payloadHash.ts';
import { createPlatformMoney } from './platformMoney.ts';
import type { PlatformMoney } from './platformMoney.ts';
import { createReadModels } from './readModels.ts';
import type { ReadModels } from './readModels.ts';

export interface ApplyValue {
  events: EscrowEvent[];
  order: OrderState;
}

export interface TimerRun {
  orderId: string;
  result: Result<ApplyValue>;
}

export interface EscrowService extends ReadModels, PlatformMoney {
  /** Applies one command in its own BEGIN IMMEDIATE transaction; a rejection writes nothing. */
  apply(envelope: CommandEnvelope, now: number): Result<ApplyValue>;
  /**
   * Applies many commands in ONE transaction, each under its own SAVEPOINT so a rejected one
   * leaves the others applied. Results are in the order given.
   */
  applyBatch(envelopes: readonly CommandEnvelope[], now: number): Result<ApplyValue>[];
  /** Runs `advance_timers` as the system for every order whose next timer is due at `now`. */
  advanceTimers(now: number): TimerRun[];
}

export const TIMER_ACTOR: Actor = Object.freeze({ role: 'system', userId: 'system:timers' });

const MAX_COMMAND_ID_CHARS = 200;

/** A command threw after its first write, with no savepoint to undo it alone. */
class PartialWrite extends Error {
  constructor(readonly reason: unknown) {
    super('a command failed after it had started writing', { cause: reason });
  }
}

const NO_WRITES = { before: null, events: [], states: [], postings: [], recovers: false };
/** One batch is one write transaction; bigger ones would hold the write lock for too long. */
export const MAX_BATCH_COMMANDS = 10_000;

/** Only what the store needs before the rules see the command; the rules validate the rest. */
function checkEnvelope(envelope: CommandEnvelope, now: number): string {
  if (typeof envelope !== 'object' || envelope === null) {
    throw new DeskError('invalid_input', 'no command envelope');
  }
  const { commandId, command, actor } = envelope;
  if (
    typeof commandId !== 'string' ||
    commandId === '' ||
    commandId.length > MAX_COMMAND_ID_CHARS
  ) {
    throw new DeskError('invalid_input', 'commandId must be a non-empty string');
  }
  if (typeof actor !== 'object' || actor === null) throw new DeskError('forbidden', 'no actor');
  if (typeof command !== 'object' || command === null || typeof command.type !== 'string') {
    throw new DeskError('invalid_input', 'no command');
  }
  if (typeof command.orderId !== 'string' || command.orderId === '') {
    throw new DeskError('invalid_input', 'the command names no order');
  }
  if (!Number.isSafeInteger(now) || now < 0) {
    throw new DeskError('invalid_input', 'now must be epoch milliseconds');
  }
  return command.orderId;
}

/**
 * The desk's escrow engine: the shared rules (authorize, decide, evolve) over the durable store.
 * Every accepted command lands whole, in one transaction: its idempotency record, the order's
 * new state and timeline, and the ledger postings its events imply.
 */
export function createEscrowService(db: Db, opts: { policy?: EscrowPolicy } = {}): EscrowService {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const ledger = createLedger(db);
  const orders = createOrderStore(db, policy);
  const commands = createCommandLog(db);

  /** The stored result of an already applied command, rebuilt from the timeline. */
  function replay(orderId: string, orderVersion: number, eventCount: number): ApplyValue {
    const current = orders.load(orderId);
    if (!current) throw new DeskError('internal', `order ${orderId} of a stored command is gone`);
    const events = orders.events(orderId, orderVersion - eventCount, orderVersion);
    const order =
      current.version === orderVersion
        ? current
        : applyEvents(null, orders.events(orderId, 0, orderVersion));
    return { events, order };
  }

  function postRecovery(
    order: OrderState,
    amountFen: number,
    txnId: string,
    commandId: string,
    at: number,
  ) {
    const signed = (name: string) =>
      normalBalance(name, ledger.signedBalance(name, order.currency));
    const { legs } = recoveryLegs(order.merchantId, amountFen, {
      depositFen: signed(account.merchantDeposit(order.merchantId)),
      availableFen: signed(account.merchantAvailable(order.merchantId)),
    });
    if (legs.length === 0) return;
    ledger.postInTransaction({
      txnId,
      commandId,
      kind: 'recovery',
      at,
      currency: order.currency,
      orderId: order.orderId,
      legs,
    });
  }

  /** What a command will write, decided from reads alone; or the stored result of a retry. */
  interface Plan {
    replayed: ApplyValue | null;
    orderId: string;
    commandId: string;
    actor: Actor;
    hash: string;
    before: OrderState | null;
    events: EscrowEvent[];
    /** states[i] is the order after events[i]. */
    states: OrderState[];
    /** postings[i] is what events[i] posts, or null. */
    postings: (PostingRequest | null)[];
    /** A compensation is recovered from balances that exist only once it is posted. */
    recovers: boolean;
  }

  /** Reads and decides; throws a DeskError to reject. Writes nothing. */
  function plan(envelope: CommandEnvelope, now: number): Plan {
    const orderId = checkEnvelope(envelope, now);
    const { commandId, actor, command } = envelope;
    const hash = payloadHash({ actor, command });
    const prior = commands.find(commandId);
    if (prior) {
      if (prior.payloadHash !== hash) {
        throw new DeskError(
          'idempotency_conflict',
          `command ${commandId} was applied with another payload`,
        );
      }
      const replayed = replay(prior.orderId, prior.orderVersion, prior.eventCount);
      return { ...NO_WRITES, replayed, orderId, commandId, actor, hash };
    }

    const before = orders.load(orderId);
    // decide() runs authorize() itself, after the existence check, so an unknown order is
    // order_not_found for everyone; this gate only adds the check for the stored state.
    if (before) {
      const denied = authorize(actor, command, before);
      if (denied) throw new DeskError(denied.code, denied.message);
    }
    const decision = decide(before, command, { now, actor }, policy);
    if (!decision.ok) throw new DeskError(decision.error.code, decision.error.message);

    const events = decision.events;
    const states: OrderState[] = new Array(events.length);
    const postings: (PostingRequest | null)[] = new Array(events.length);
    let state = before;
    let recovers = false;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const prev = state;
      state = evolve(state, event);
      states[i] = state;
      // order_created moves no money; every other event is posted against the state before it.
      postings[i] = prev && postingFor(event, prev, { txnId: `${commandId}:${i}`, commandId });
      if (event.type === 'compensation_paid') recovers = true;
    }
    if (!state) throw new DeskError('internal', 'the rules accepted a command for no order');
    return {
      replayed: null,
      orderId,
      commandId,
      actor,
      hash,
      before,
      events,
      states,
      postings,
      recovers,
    };
  }

  /** Writes a planned command: timeline, postings, order state, idempotency record. */
  function write(p: Plan, now: number): ApplyValue {
    const { orderId, commandId, actor, events, states } = p;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const state = states[i]!;
      orders.appendEvent(orderId, state.version, event, commandId, actor);
      const posting = p.postings[i];
      if (posting) ledger.postInTransaction(posting);
      if (event.type === 'compensation_paid') {
        postRecovery(state, event.amountFen, `${commandId}:${i}:recovery`, commandId, event.at);
      }
    }
    const order = events.length > 0 ? states[events.length - 1]! : p.before!;
    if (events.length > 0) orders.save(p.before, order, now);
    commands.record(
      commandId,
      { payloadHash: p.hash, orderId, orderVersion: order.version, eventCount: events.length },
      now,
    );
    return { events, order };
  }

  // Nested calls of a better-sqlite3 transaction function become SAVEPOINTs: whatever the
  // command wrote is undone if it throws.
  const applyUnit = db.transaction((envelope: CommandEnvelope, now: number) => {
    const mark = orders.mark();
    try {
      const p = plan(envelope, now);
      return p.replayed ?? write(p, now);
    } catch (err) {
      orders.discardSince(mark);
      throw err;
    }
  });

  /**
   * One command without a savepoint of its own: every rejection the rules, the guards or the
   * floors can raise is found by `plan` and `ledger.precheck` before the first write, so a
   * rejected command has written nothing. Should a write throw all the same, the command is
   * half written: PartialWrite makes the caller roll back the whole transaction and run it
   * again with a savepoint per command. (A savepoint per command costs ~20-30 µs: SQLite copies
   * every page it touches into the savepoint journal.)
   */
  function applyWithoutSavepoint(envelope: CommandEnvelope, now: number): ApplyValue {
    const p = plan(envelope, now);
    if (p.replayed) return p.replayed;
    if (p.recovers) return applyUnit(envelope, now);
    const postings = p.postings.filter((x): x is PostingRequest => x !== null);
    if (postings.length > 0) ledger.precheck(postings);
    const mark = orders.mark();
    try {
      return write(p, now);
    } catch (err) {
      orders.discardSince(mark);
      throw new PartialWrite(err);
    }
  }

  function applyOne(
    envelope: CommandEnvelope,
    now: number,
    savepoint: boolean,
  ): Result<ApplyValue> {
    try {
      return ok(savepoint ? applyUnit(envelope, now) : applyWithoutSavepoint(envelope, now));
    } catch (err) {
      if (isDeskError(err)) return fail(err.code, err.message);
      throw err;
    }
  }

  /**
   * Runs `fn` in a BEGIN IMMEDIATE transaction and settles the state cache. Inside a caller's
   * transaction it is a savepoint whose fate is unknown here, so its states are not cached.
   */
  function outer<T>(fn: () => T): T {
    const nested = db.inTransaction;
    try {
      const value = db.transaction(fn).immediate();
      if (nested) orders.rollback();
      else orders.commit();
      return value;
    } catch (err) {
      orders.rollback();
      throw err;
    }
  }

  /**
   * Runs `fn` (which applies commands) without savepoints; if a command was left half written,
   * rolls everything back and runs it again with a savepoint per command, so that command is
   * undone alone and the others stand, exactly as if savepoints had been used throughout.
   */
  function outerUnits<T>(fn: (savepoint: boolean) => T): T {
    try {
      return outer(() => fn(false));
    } catch (err) {
      if (!(err instanceof PartialWrite)) throw err;
      return outer(() => fn(true));
    }
  }

  function applyMany(
    envelopes: readonly CommandEnvelope[],
    now: number,
    savepoint: boolean,
  ): Result<ApplyValue>[] {
    const results: Result<ApplyValue>[] = new Array(envelopes.length);
    for (let i = 0; i < envelopes.length; i++) {
      results[i] = applyOne(envelopes[i]!, now, savepoint);
    }
    return results;
  }

  const dueOrders = db.prepare<[number], { order_id: string; version: number }>(
    'SELECT order_id, version FROM orders WHERE next_timer_at <= ? ORDER BY next_timer_at, order_id',
  );

  return {
    apply(envelope, now) {
      return outerUnits((savepoint) => applyOne(envelope, now, savepoint));
    },
    applyBatch(envelopes, now) {
      if (!Array.isArray(envelopes)) {
        throw new DeskError('invalid_input', 'envelopes must be a list');
      }
      if (envelopes.length > MAX_BATCH_COMMANDS) {
        throw new DeskError(
          'payload_too_large',
          `at most ${MAX_BATCH_COMMANDS} commands per batch`,
        );
      }
      if (envelopes.length === 0) return [];
      return outerUnits((savepoint) => applyMany(envelopes, now, savepoint));
    },
    advanceTimers(now) {
      if (!Number.isSafeInteger(now) || now < 0) {
        throw new DeskError('invalid_input', 'now must be epoch milliseconds');
      }
      return outerUnits((savepoint) =>
        dueOrders.all(now).map((row) => ({
          orderId: row.order_id,
          // The id names the order, its version and the time, so re-running the same sweep is
          // idempotent while a later sweep of the same order is a new command.
          result: applyOne(
            {
              commandId: `timers:${row.order_id}:v${row.version}:${now}`,
              actor: TIMER_ACTOR,
              command: { type: 'advance_timers', orderId: row.order_id },
            },
            now,
            savepoint,
          ),
        })),
      );
    },
    ...createPlatformMoney(db, ledger),
    ...createReadModels(db, orders),
  };
}

export type { PostedTxn };
