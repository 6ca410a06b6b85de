import { DeskError } from '../../../shared/errors.ts';
import { nextTimerAt } from '../../../shared/escrow/deadlines.ts';
import type { EscrowPolicy } from '../../../shared/escrow/policy.ts';
import type { Actor, EscrowEvent, OrderState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';

/** States kept parsed in memory; a bounded cache, checked against the row's version on use. */
const CACHE_LIMIT = 20_000;

/**
 * Cached states are shared with callers (results) and with later commands, so they are frozen:
 * a caller that mutated one would otherwise change what the next command decides on. Parts
 * already frozen (shared with the previous state by evolve's spreads) are skipped.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    const obj = value as Record<string, unknown>;
    for (const key in obj) deepFreeze(obj[key]);
  }
  return value;
}

export interface OrderStore {
  /** The order as of this transaction, or null. Never a reparse when the cached copy is current. */
  load(orderId: string): OrderState | null;
  /** Appends one event row of the timeline; `version` is the order's version after it. */
  appendEvent(
    orderId: string,
    version: number,
    event: EscrowEvent,
    commandId: string,
    actor: Actor,
  ): void;
  /** Writes the new state over `before` (optimistic: refuses if the row moved meanwhile). */
  save(before: OrderState | null, after: OrderState, now: number): void;
  /** Events with versions in (fromVersion, toVersion], oldest first. */
  events(orderId: string, fromVersion: number, toVersion: number): EscrowEvent[];
  /** Call after the outermost transaction committed: its states become the cached ones. */
  commit(): void;
  /** Call when the outermost transaction rolled back: forget its states. */
  rollback(): void;
  /** Marks where a nested unit (a SAVEPOINT) starts, for `discardSince`. */
  mark(): number;
  /** Forgets the states written since `mark` (their savepoint was rolled back). */
  discardSince(mark: number): void;
}

/**
 * The orders table and its timeline. States are JSON in `state_json`; the indexed columns are
 * copies kept for queries. Parsed states are cached (frozen, so nobody can change a cached
 * state behind the store's back) and reused while the row's version still matches; writes made
 * inside a transaction become cached only once it commits.
 */
export function createOrderStore(db: Db, policy: EscrowPolicy): OrderStore {
  const cache = new Map<string, OrderState>();
  // States written by the open transaction, in write order, so a savepoint can drop its own.
  let written: [string, OrderState][] = [];
  const writtenNow = new Map<string, OrderState>();

  const select = db.prepare<[number, string], { version: number; state_json: string | null }>(
    'SELECT version, CASE WHEN version = ? THEN NULL ELSE state_json END AS state_json FROM orders WHERE order_id = ?',
  );
  const insert = db.prepare(
    `INSERT INTO orders (order_id, merchant_id, buyer_id, status, currency, amount_fen, held_fen,
       next_timer_at, created_at, updated_at, version, state_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE orders SET status = ?, held_fen = ?, next_timer_at = ?, updated_at = ?, version = ?, state_json = ?
      WHERE order_id = ? AND version = ?`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO order_events (order_id, version, type, at, command_id, actor_role, actor_user_id, event_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectEvents = db.prepare<[string, number, number], { event_json: string }>(
    'SELECT event_json FROM order_events WHERE order_id = ? AND version > ? AND version <= ? ORDER BY version',
  );

  function rebuildWritten() {
    writtenNow.clear();
    for (const [id, s] of written) writtenNow.set(id, s);
  }

  return {
    load(orderId) {
      const mine = writtenNow.get(orderId);
      if (mine) return mine;
      const cached = cache.get(orderId);
      const row = select.get(cached?.version ?? -1, orderId);
      if (!row) return null;
      if (row.state_json === null && cached) return cached;
      const state = deepFreeze(JSON.parse(row.state_json ?? 'null') as OrderState);
      if (state.version !== row.version) {
        throw new DeskError('internal', `order ${orderId} state does not match its version`);
      }
      return state;
    },
    appendEvent(orderId, version, event, commandId, actor) {
      insertEvent.run(
        orderId,
        version,
        event.type,
        event.at,
        commandId,
        actor.role,
        actor.userId,
        JSON.stringify(event),
      );
    },
    save(before, after, now) {
      const json = JSON.stringify(after);
      const timerAt = nextTimerAt(after, policy);
      if (before === null) {
        insert.run(
          after.orderId,
          after.merchantId,
          after.buyerId,
          after.status,
          after.currency,
          after.amountFen,
          after.heldFen,
          timerAt,
          after.createdAt,
          now,
          after.version,
          json,
        );
      } else {
        const changed = update.run(
          after.status,
          after.heldFen,
          timerAt,
          now,
          after.version,
          json,
          after.orderId,
          before.version,
        ).changes;
        if (changed !== 1) {
          throw new DeskError('internal', `order ${after.orderId} changed underneath this command`);
        }
      }
      const frozen = deepFreeze(after);
      written.push([after.orderId, frozen]);
      writtenNow.set(after.orderId, frozen);
    },
    events(orderId, fromVersion, toVersion) {
      return selectEvents
        .all(orderId, fromVersion, toVersion)
        .map((r) => JSON.parse(r.event_json) as EscrowEvent);
    },
    commit() {
      for (const [id, s] of written) {
        cache.delete(id);
        cache.set(id, s);
      }
      while (cache.size > CACHE_LIMIT) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      written = [];
      writtenNow.clear();
    },
    rollback() {
      written = [];
      writtenNow.clear();
    },
    mark: () => written.length,
    discardSince(mark) {
      if (written.length > mark) {
        written = written.slice(0, mark);
        rebuildWritten();
      }
    },
  };
}
