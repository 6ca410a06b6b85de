import { nextTimerAt } from '../../shared/escrow/deadlines.ts';
import { decide } from '../../shared/escrow/decide.ts';
import { evolve } from '../../shared/escrow/evolve.ts';
import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type {
  CommandEnvelope,
  DecisionExposure,
  EscrowEvent,
  OrderState,
  Role,
} from '../../shared/escrow/types.ts';
import { DeskError, isDeskError } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { account, normalBalance } from '../../shared/ledger/accounts.ts';
import { postingFor, recoveryLegs } from '../../shared/ledger/postings.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import { MINUTE_MS } from '../../shared/time.ts';
import { dataErrorMessage } from '../common/jsonSafety.ts';
import type { Queryable } from '../db/database.ts';
import { WriteStatement } from '../db/writeStatement.ts';
import { canSeeOrder } from '../http/orderVisibility.ts';
import { JournalBatch, journalRow, keyOf, parseKey } from '../ledger/journalBatch.ts';
import {
  appendChangeRowsInto,
  ORDER_EVENT_ROW,
  ORDER_ROW_STATE,
  orderEventEntrySql,
} from './changeLog.ts';
import type { ChangeLogRow } from './changeLog.ts';
import type { CommandOutcome } from './commandOutcome.ts';
import { writeOrderRowsInto } from './orderRows.ts';
import type { OrderRowWrite } from './orderRows.ts';

/** Roles whose commands name orders they do not read: the bank's payments, the timers. */
const ACTS_ON_ANY_ORDER: ReadonlySet<Role> = new Set<Role>(['bank', 'system']);

/** An uploaded file as a command may name it: who uploaded it, its size and its sniffed type. */
const evidenceKey = (sha256: string, userId: string, sizeBytes: number, mime: string) =>
  `${sha256}|${userId}|${sizeBytes}|${mime}`;

/**
 * A write the batch made before its end (a claim approval writes what was decided before it, to
 * sum the buyer's window) was refused: a guard row or an order id another writer took. That
 * refusal belongs to an earlier command, so it fails the batch, never the command being
 * decided: applyBatch rolls back and applies the commands one by one, where it lands on its own.
 */
export class EarlyWriteRefused extends Error {
  constructor(readonly refusal: unknown) {
    super(`a write before the batch's end was refused: ${String(refusal)}`);
  }
}

/** A command whose id this batch has claimed: it is decided here and its outcome stored. */
export interface FreshCommand {
  envelope: CommandEnvelope;
  orderId: string | null;
}

/**
 * The orders a batch's commands name (to lock, in id order) and the merchants their new orders
 * name (for the fee rate). A command naming no order may not even be an object; `apply`
 * refuses it.
 */
export function namedBy(commands: readonly FreshCommand[]): {
  orderIds: string[];
  merchantIds: string[];
} {
  const orderIds = new Set<string>();
  const merchantIds = new Set<string>();
  for (const { envelope, orderId } of commands) {
    if (orderId === null) continue;
    orderIds.add(orderId);
    if (envelope.command.type === 'create_order' && typeof envelope.command.merchantId === 'string')
      merchantIds.add(envelope.command.merchantId);
  }
  return { orderIds: [...orderIds].sort(), merchantIds: [...merchantIds] };
}

/**
 * Applies the claimed commands of one batch inside the caller's database transaction, in
 * arrival order, at database speed: everything the rules need is read once per batch (orders
 * `FOR UPDATE` in id order, merchants, evidence, the chain head and balance rows), every
 * command is decided and prechecked in memory (commands on one order chain, each against the
 * state the previous one left; postings against the floors with their precise codes), so a
 * refused command is known before anything is written and leaves nothing; then `finish` writes
 * the lot with one multi-row statement per table.
 *
 * A database error (anything not a DeskError or RangeError) propagates: the caller rolls the
 * batch back to its savepoint and applies its commands one by one (applyBatch.ts).
 */
export class BatchEngine {
  /** Current state of every order the batch locked or made (null: no such order). */
  private readonly orders = new Map<string, OrderState | null>();
  /**
   * Orders whose row exists in the database (locked), with the state the row holds now: a
   * write is an UPDATE of the keys that changed since (orderRows.ts).
   */
  private readonly stored = new Map<string, OrderState>();
  private readonly merchantFees = new Map<string, number>();
  /** `sha256|userId|size` of evidence the acting user uploaded. */
  private readonly evidence = new Set<string>();
  private readonly journal: JournalBatch;
  // What the next flush writes.
  private dirtyOrders = new Map<string, OrderRowWrite>();
  /**
   * `order_events` rows, named as the flush's jsonb_to_recordset reads them, with the actor's
   * role and id (`r`, `u`) for the `order_event` change built from each in SQL.
   */
  private eventRows: Array<{
    o: string;
    v: number;
    c: string;
    e: EscrowEvent;
    p: number;
    r: string;
    u: string;
  }> = [];
  private changeRows: ChangeLogRow[] = [];
  private readonly results: Array<[string, CommandOutcome, number | null]> = [];
  /**
   * The forecast's run of the rules per command (foresee): the state it decided against, its
   * events and the state before each event and after the last (`states[i]` before event i).
   * The real run reuses it when it meets the very same state object, since the rules are pure
   * (issue 13: deciding twice was a tenth of a batch's Node CPU).
   */
  private readonly forecasts = new Map<
    CommandEnvelope,
    { before: OrderState | null; events: EscrowEvent[]; states: Array<OrderState | null> }
  >();

  constructor(
    private readonly tx: Queryable,
    private readonly now: number,
    private readonly policy: EscrowPolicy,
  ) {
    this.journal = new JournalBatch(tx);
  }

  /**
   * Reads and locks the rest of what the batch's commands need, in the one lock order of the
   * write path: the orders (locked in id order) and merchants the commands name were read with
   * the command claims, in the same statement (applyCommand.ts); then evidence, and the heads
   * and balance rows the batch will touch.
   */
  async prepare(
    commands: readonly FreshCommand[],
    read: { orders: ReadonlyArray<[string, OrderState]>; fees: ReadonlyArray<[string, number]> },
  ): Promise<void> {
    const { orders, fees } = read;
    for (const [id, state] of orders) {
      this.orders.set(id, state);
      this.stored.set(id, state);
    }
    for (const [id, fee] of fees) this.merchantFees.set(id, fee);
    const { accounts, evidence, shards } = this.foresee(commands);
    if (evidence.length > 0) {
      const r = await this.tx.query<{
        sha256: string;
        user_id: string;
        size_bytes: number;
        mime: string;
      }>(
        `SELECT u.sha256, u.user_id, f.size_bytes, u.mime
           FROM evidence_uploads u JOIN evidence_files f ON f.sha256 = u.sha256
           JOIN unnest($1::text[], $2::text[]) AS w(sha256, user_id)
             ON u.sha256 = w.sha256 AND u.user_id = w.user_id`,
        [evidence.map((e) => e.sha256), evidence.map((e) => e.userId)],
      );
      for (const row of r.rows)
        this.evidence.add(evidenceKey(row.sha256, row.user_id, Number(row.size_bytes), row.mime));
    }
    // The heads of every shard the batch will log to, in shard order, then the balance rows.
    for (const { orderId } of commands) {
      const state = orderId === null ? null : this.orders.get(orderId);
      if (state) shards.add(shardOf(state.merchantId));
    }
    await this.journal.lock([...accounts].map(parseKey), shards);
  }

  /**
   * A dry run of the rules over the batch, to learn which balance rows and evidence it will
   * need, so they are read (and locked, in order) with one statement each. Only a forecast:
   * anything the real run needs beyond it is read when it comes up.
   */
  private foresee(commands: readonly FreshCommand[]): {
    accounts: Set<string>;
    evidence: Array<{ sha256: string; userId: string }>;
    shards: Set<number>;
  } {
    const states = new Map(this.orders);
    const accounts = new Set<string>();
    const shards = new Set<number>();
    const evidence: Array<{ sha256: string; userId: string }> = [];
    for (const { envelope, orderId } of commands) {
      if (orderId === null) continue;
      try {
        const before = states.get(orderId) ?? null;
        let state = before;
        const d = decide(
          state,
          envelope.command,
          { now: this.now, actor: envelope.actor },
          this.policy,
        );
        if (!d.ok) continue;
        const path: Array<OrderState | null> = [state];
        for (const event of d.events) {
          if ('evidence' in event && event.evidence)
            for (const ref of event.evidence)
              evidence.push({ sha256: ref.sha256, userId: envelope.actor.userId });
          if (state) {
            const p = postingFor(event, state, {
              txnId: 'forecast',
              commandId: envelope.commandId,
            });
            const shard = shardOf(state.merchantId);
            for (const leg of p?.legs ?? [])
              accounts.add(keyOf(shard, leg.account, state.currency));
            if (event.type === 'compensation_paid')
              for (const a of [
                account.merchantDeposit(state.merchantId),
                account.merchantAvailable(state.merchantId),
                account.guaranteeFund(),
              ])
                accounts.add(keyOf(shard, a, state.currency));
          }
          state = evolve(state, event);
          path.push(state);
          if (state) shards.add(shardOf(state.merchantId));
        }
        states.set(orderId, state);
        this.forecasts.set(envelope, { before, events: d.events, states: path });
      } catch {
        // The real run refuses it with its precise code.
      }
    }
    return { accounts, evidence, shards };
  }

  /** An order as the batch's commands so far have left it (null: no such order). */
  order(orderId: string): OrderState | null {
    return this.orders.get(orderId) ?? null;
  }

  /** Decides one claimed command against the batch's current state and queues its effects. */
  async apply(c: FreshCommand): Promise<CommandOutcome> {
    const { commandId } = c.envelope;
    const orderId = c.orderId;
    let outcome: CommandOutcome;
    const mark = this.journal.mark();
    try {
      outcome = await this.decideAndQueue(c.envelope, orderId);
    } catch (err) {
      if (!isDeskError(err) && !(err instanceof RangeError)) throw err;
      this.journal.rollbackTo(mark);
      const error: ErrorInfo = isDeskError(err)
        ? err.toJSON()
        : { code: 'invalid_data', message: dataErrorMessage(err) };
      outcome = { ok: false, commandId, orderId, error, replayed: false };
    }
    const state = orderId === null ? null : (this.orders.get(orderId) ?? null);
    this.results.push([commandId, outcome, state ? shardOf(state.merchantId) : null]);
    return outcome;
  }

  private async decideAndQueue(
    envelope: CommandEnvelope,
    orderId: string | null,
  ): Promise<CommandOutcome> {
    const { commandId, actor, command } = envelope;
    if (orderId === null) throw new DeskError('invalid_input', 'the command names no order');
    const before = this.orders.get(orderId) ?? null;
    // A command on an order its caller may not read is refused exactly as one on a missing
    // order, and before its input is checked: a missing order answers `order_not_found` whatever
    // the input, so a validation error on someone else's order would confirm that it exists.
    // The bank and the timers act on any order; agents read every order.
    if (
      command.type !== 'create_order' &&
      (before === null || (!ACTS_ON_ANY_ORDER.has(actor.role) && !canSeeOrder(actor, before)))
    )
      throw new DeskError('order_not_found', `no order ${orderId}`);
    let exposure: DecisionExposure | undefined;
    if (command.type === 'decide_claim' && command.decision === 'approve' && before) {
      // The buyer's window sums other orders' rows: write what this batch changed first.
      try {
        await this.flush();
      } catch (err) {
        throw new EarlyWriteRefused(err);
      }
      exposure = await buyerExposure(this.tx, before, this.now, this.policy);
    }
    // The forecast decided this command against this very state (same object: nothing the
    // batch did since changed it) and without an exposure sum: the same answer, reused.
    const forecast = this.forecasts.get(envelope);
    const reuse = forecast !== undefined && forecast.before === before && exposure === undefined;
    let events: EscrowEvent[];
    if (reuse) events = forecast.events;
    else {
      const decision = decide(
        before,
        command,
        { now: this.now, actor, ...(exposure ? { exposure } : {}) },
        this.policy,
      );
      if (!decision.ok) throw new DeskError(decision.error.code, decision.error.message);
      events = decision.events;
    }
    if (command.type === 'create_order') {
      const fee = this.merchantFees.get(command.merchantId);
      if (fee === undefined)
        throw new DeskError('invalid_input', `unknown merchant ${command.merchantId}`);
      if (fee !== command.feeBps)
        throw new DeskError('invalid_input', 'feeBps is not the merchant’s rate');
    }
    this.checkEvidence(actor.userId, events);

    let state: OrderState | null = before;
    const ledgerTxnIds: string[] = [];
    const ledgerChanges: ChangeLogRow[] = [];
    for (const [i, event] of events.entries()) {
      if (state) {
        const posting = postingFor(event, state, { txnId: uuidv7(this.now), commandId });
        if (posting) {
          ledgerChanges.push(await this.post(posting, state, commandId));
          ledgerTxnIds.push(posting.txnId);
        }
        if (event.type === 'compensation_paid') {
          const recovery = await this.recovery(state, event.amountFen, commandId);
          if (recovery) {
            ledgerChanges.push(await this.post(recovery, state, commandId));
            ledgerTxnIds.push(recovery.txnId);
          }
        }
      }
      state = reuse ? forecast.states[i + 1]! : evolve(state, event);
    }
    if (!state) throw new DeskError('order_not_found', `no order ${orderId}`);

    let due = nextTimerAt(state, this.policy);
    // A timer run that changed nothing must not leave the order due, or the scheduler would spin
    // on it; look again in a minute.
    if (events.length === 0 && due !== null && due <= this.now) due = this.now + MINUTE_MS;
    this.orders.set(orderId, state);
    this.dirtyOrders.set(orderId, { state, nextTimerAt: due });
    if (events.length > 0) {
      const firstVersion = state.version - events.length + 1;
      const shard = shardOf(state.merchantId);
      events.forEach((event, i) =>
        this.eventRows.push({
          o: orderId,
          v: firstVersion + i,
          c: commandId,
          e: event,
          p: shard,
          r: actor.role,
          u: actor.userId,
        }),
      );
      const scope = { shard, merchantId: state.merchantId, buyerId: state.buyerId, commandId };
      // Each event's change is its timeline row's entry (orderEventEntrySql), built in SQL from
      // the row this flush inserts (ORDER_EVENT_ROW): the event travels once.
      this.changeRows.push(
        ...ledgerChanges,
        { kind: 'order', key: orderId, payload: state, createdAt: this.now, ...scope },
        ...events.map((_, i) => ({
          kind: 'order_event' as const,
          key: orderId,
          payload: ORDER_EVENT_ROW,
          version: firstVersion + i,
          createdAt: this.now,
          ...scope,
        })),
      );
    } else {
      this.changeRows.push(...ledgerChanges);
    }
    return {
      ok: true,
      commandId,
      orderId,
      version: state.version,
      events,
      ledgerTxnIds,
      replayed: false,
    };
  }

  /** Prechecks and chains one posting; its change row joins the log with the command's. */
  private async post(
    posting: PostingRequest,
    order: OrderState,
    commandId: string,
  ): Promise<ChangeLogRow> {
    const posted = await this.journal.post(posting);
    return {
      shard: posted.shard,
      kind: 'ledger_txn',
      key: posting.txnId,
      merchantId: order.merchantId,
      buyerId: order.buyerId,
      commandId,
      createdAt: this.now,
      payload: journalRow(posting, posted),
    };
  }

  /** After a guarantee-fund payout: take it back from the seller's deposit, then available. */
  private async recovery(
    order: OrderState,
    amountFen: number,
    commandId: string,
  ): Promise<PostingRequest | null> {
    const shard = shardOf(order.merchantId);
    const deposit = account.merchantDeposit(order.merchantId);
    const available = account.merchantAvailable(order.merchantId);
    const depositFen = normalBalance(
      deposit,
      await this.journal.balance(shard, deposit, order.currency),
    );
    const availableFen = normalBalance(
      available,
      await this.journal.balance(shard, available, order.currency),
    );
    const { legs } = recoveryLegs(order.merchantId, amountFen, { depositFen, availableFen });
    if (legs.length === 0) return null;
    return {
      txnId: uuidv7(this.now),
      shard,
      commandId,
      kind: 'recovery',
      at: this.now,
      currency: order.currency,
      orderId: order.orderId,
      legs,
    };
  }

  /**
   * Evidence named in a command must be a file the acting user uploaded, with the same size and
   * type. The type too: rules admit files by type (refund photos are images), and the type that
   * counts is the one sniffed from the bytes at upload, not one a client writes in the ref.
   */
  private checkEvidence(userId: string, events: readonly EscrowEvent[]): void {
    for (const e of events) {
      if (!('evidence' in e) || !e.evidence) continue;
      for (const ref of e.evidence)
        if (!this.evidence.has(evidenceKey(ref.sha256, userId, ref.sizeBytes, ref.mime)))
          throw new DeskError('invalid_input', `evidence ${ref.sha256} was not uploaded by you`);
    }
  }

  /**
   * Writes what the batch has decided so far in ONE statement (writeStatement.ts): new and
   * changed orders, timeline rows, the journal (transactions, entries, guards, balances), the
   * change log with the shard heads, and with `results` the claimed commands' outcomes.
   */
  async flush(results: boolean = false): Promise<void> {
    const stmt = new WriteStatement();
    const dirty = [...this.dirtyOrders.values()];
    this.dirtyOrders = new Map();
    const rows = dirty.map((w) => ({ ...w, stored: this.stored.get(w.state.orderId) ?? null }));
    const taken = writeOrderRowsInto(stmt, rows, this.now);
    const events = this.eventRows;
    this.eventRows = [];
    if (events.length > 0) {
      stmt.with(
        'timeline_rows',
        `SELECT * FROM jsonb_to_recordset(${stmt.param(JSON.stringify(events))}::jsonb)
             AS x(o text, v int, c text, e jsonb, p smallint, r text, u text)
          ${stmt.limit(events.length)}`,
      );
      // A new order's events only if its row went in: a create another session won (the
      // INSERT skipped it) must reach the order_exists check below, not fail on the winner's
      // version-1 event as a data error.
      const lostCreatesSkipped = rows.some((w) => w.stored === null)
        ? `WHERE o NOT IN (SELECT id FROM order_rows WHERE new)
              OR o IN (SELECT order_id FROM orders_new)`
        : '';
      stmt.with(
        'order_timeline',
        `INSERT INTO order_events (order_id, version, command_id, event, shard)
         SELECT o, v, c, e, p FROM timeline_rows ${lostCreatesSkipped}`,
      );
      // Each row's `order_event` change (orderEventEntrySql, changeLog.ts).
      const entry = orderEventEntrySql({
        orderId: 'o',
        version: 'v',
        commandId: 'c',
        event: 'e',
        role: 'r',
        userId: 'u',
      });
      stmt.with('timeline_entries', `SELECT o, v, ${entry} AS j FROM timeline_rows`);
    }
    const journal = this.journal.flushInto(stmt);
    // An order's last change in this flush is the state its row now holds: copied in the
    // database rather than sent and parsed twice.
    const written = new Set<unknown>(dirty.map((w) => w.state));
    const changes = this.changeRows.map((c) =>
      c.kind === 'order' && written.has(c.payload) ? { ...c, payload: ORDER_ROW_STATE } : c,
    );
    this.changeRows = [];
    appendChangeRowsInto(stmt, changes, {
      ledgerHeads: journal?.heads ?? [],
      ...(rows.length > 0 ? { orderRows: 'order_states' } : {}),
      ...(events.length > 0 ? { orderEvents: 'timeline_entries' } : {}),
    });
    if (results && this.results.length > 0) {
      const doc = stmt.param(
        JSON.stringify(this.results.map(([id, result, shard]) => ({ id, result, shard }))),
      );
      // LIMIT: the real row count, for the planner (WriteStatement.limit).
      stmt.with(
        'outcomes',
        `UPDATE commands c SET result = x.result, shard = x.shard
           FROM (SELECT * FROM json_to_recordset(${doc}::json)
                    AS x(id text, result json, shard smallint)
                  ${stmt.limit(this.results.length)}) x
          WHERE c.command_id = x.id`,
      );
    }
    const out = await stmt.run(this.tx);
    const lost = taken(out);
    if (lost.length > 0) throw new DeskError('order_exists', `order ${lost[0]} already exists`);
    for (const w of rows) this.stored.set(w.state.orderId, w.state);
    journal?.check(out);
  }

  /** Writes everything and stores every claimed command's outcome (one statement). */
  async finish(): Promise<void> {
    await this.flush(true);
  }
}

/**
 * The buyer's compensation on their other orders within the policy's rolling window (claims
 * filed since now - buyerWindowMs: paid plus pending second approval), for the maker-checker
 * rule (claimRules.ts `secondApprovalReason`). A transaction-scoped advisory lock per buyer
 * makes two approvals for one buyer on different orders decide one after the other, so both
 * cannot pass the window's limit on a stale sum.
 */
async function buyerExposure(
  tx: Queryable,
  order: OrderState,
  now: number,
  policy: EscrowPolicy,
): Promise<DecisionExposure> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`buyer-exposure:${order.buyerId}`]);
  const r = await tx.query<{ fen: string | number | null }>(
    `SELECT coalesce(sum((c->>'paidFen')::bigint
                         + coalesce((c->'pendingApproval'->>'amountFen')::bigint, 0)), 0) AS fen
       FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.state->'claims') AS c
      WHERE o.buyer_id = $1 AND o.order_id <> $2 AND (c->>'filedAt')::bigint >= $3`,
    [order.buyerId, order.orderId, now - policy.buyerWindowMs],
  );
  return { buyerWindowFen: Number(r.rows[0]?.fen ?? 0) };
}
