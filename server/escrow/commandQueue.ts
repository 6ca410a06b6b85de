import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { CommandEnvelope, OrderState } from '../../shared/escrow/types.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import { APPLY_BATCH_SAVEPOINT, applyBatch } from './applyCommand.ts';
import type { CommandOutcome } from './commandOutcome.ts';

const NONE: ReadonlyMap<string, number> = new Map();

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock
const ATTEMPTS = 5;

/**
 * Rows a caller needs written in the same transaction as its command (a bank notification's
 * receipt): each kind is written for the whole batch with one statement.
 */
export interface BatchSidecar {
  /** Appends the rows of every item of a batch that carries this kind. */
  write(tx: Queryable, rows: unknown[]): Promise<void>;
}

/**
 * A queued command's answer: its outcome and, when it was applied now (not replayed), its
 * order as it stood right after it, so the caller need not read the order back (undefined:
 * read it).
 */
export interface QueuedOutcome {
  outcome: CommandOutcome;
  order?: OrderState;
}

interface Waiting {
  envelope: CommandEnvelope;
  sidecar?: { kind: BatchSidecar; row: unknown };
  resolve: (o: QueuedOutcome) => void;
  reject: (e: unknown) => void;
}

/** The order id a `create_order` names, or null for any other command. */
function createdOrderId(envelope: CommandEnvelope): string | null {
  const c = envelope.command as { type?: unknown; orderId?: unknown } | null;
  return c?.type === 'create_order' && typeof c.orderId === 'string' ? c.orderId : null;
}

/**
 * Which shards may share a database transaction: the shards of one placement live in one
 * database node. One PostgreSQL (today) is one placement; on Citus (docs/scale-out.md) a
 * placement is a worker's shard group, so no batch becomes a distributed transaction.
 */
export type PlacementOf = (shard: number) => number;

/**
 * Group commit for one API process (issue 13): commands that arrive while a batch transaction
 * runs wait, and the next batch takes all of them (at most `maxBatch`, oldest first) into one
 * `applyBatch` transaction. A lone command starts at once: there is no timer, batches form only
 * from the time a transaction takes, so an idle server answers as fast as before and a busy one
 * commits hundreds of commands per transaction. Each caller gets its own outcome; a command the
 * database refuses is retried alone inside the batch (applyBatch), so it never fails the others.
 * A serialization failure or deadlock retries the batch with a fresh time; any other failure
 * (database gone) rejects every caller of that batch, none of whose commands was committed.
 *
 * One batch is in flight per placement, and it takes commands of every shard of that placement:
 * the batch locks each shard it writes (its head and sub-accounts, in shard order), and per
 * batch, not per shard, is where PostgreSQL's fixed cost is (round trips, executor start-up,
 * commit). Per-shard batches on one node split 64 HTTP clients into ~9-command batches; one
 * batch across shards takes ~32 (`npm run bench -- http`, docs/write-path-cost.md). The price:
 * on one node a shard whose head another session holds delays the other shards' commands of
 * this process until it is released, and two API processes' batches that share a shard take
 * turns on it; shards on different placements never wait for each other.
 *
 * With several placements a command is routed by its order's shard: `create_order` names the
 * merchant; for any other the order's shard is read once (it never changes) and remembered,
 * with one query for every command that arrived while the previous look-up ran. An order whose
 * `create_order` is routed and not yet committed is in that create's shard, so a command sent
 * right behind its create waits in the same queue and is decided after it, not raced against it
 * from another placement. An order that does not exist at all goes to shard 0, where the rules
 * refuse it as they would anywhere. With one placement nothing is looked up: every command
 * waits in one queue, in arrival order.
 */
export class CommandQueue {
  /** placement → its commands waiting for a batch, oldest first. */
  private readonly waiting = new Map<number, Waiting[]>();
  /** Placements with a batch in flight. */
  private readonly busy = new Set<number>();
  private unrouted: Waiting[] = [];
  private routing = false;
  /** order id → shard, for orders seen to exist (bounded: cleared when it grows past 100k). */
  private readonly shardOfOrder = new Map<string, number>();
  /**
   * order id → shard of a `create_order` routed and not committed yet. Consulted only for an
   * order the database does not have: a create naming an existing order's id (refused as
   * `order_exists`) never moves that order's commands to another shard.
   */
  private readonly creating = new Map<string, number>();
  /** Batches committed and the commands they held (metrics, tests). */
  readonly stats = { batches: 0, commands: 0, largestBatch: 0 };

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly opts: {
      policy?: EscrowPolicy;
      maxBatch?: number;
      /** Shards that may share a batch; absent: one database, every shard in one placement. */
      placementOf?: PlacementOf;
    } = {},
  ) {}

  submit(
    envelope: CommandEnvelope,
    sidecar?: { kind: BatchSidecar; row: unknown },
  ): Promise<QueuedOutcome> {
    return new Promise<QueuedOutcome>((resolve, reject) => {
      this.unrouted.push({ envelope, ...(sidecar ? { sidecar } : {}), resolve, reject });
      void this.route();
    });
  }

  /** Commands waiting for a batch (for metrics and tests). */
  get depth(): number {
    let n = this.unrouted.length;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  private async route(): Promise<void> {
    const placementOf = this.opts.placementOf;
    if (!placementOf) {
      this.enqueue(0, this.unrouted);
      this.unrouted = [];
      this.pump();
      return;
    }
    if (this.routing) return;
    this.routing = true;
    try {
      while (this.unrouted.length > 0) {
        const batch = this.unrouted;
        this.unrouted = [];
        let lookedUp: Map<string, number>;
        try {
          lookedUp = await this.lookUp(batch);
        } catch (err) {
          for (const w of batch) w.reject(err);
          continue;
        }
        for (const w of batch) {
          const shard = this.shardFor(w.envelope, lookedUp);
          const created = createdOrderId(w.envelope);
          if (created !== null) this.creating.set(created, shard);
          this.enqueue(placementOf(shard), [w]);
        }
        this.pump();
      }
    } finally {
      this.routing = false;
    }
  }

  private enqueue(placement: number, commands: Waiting[]): void {
    const q = this.waiting.get(placement);
    if (q) q.push(...commands);
    else this.waiting.set(placement, [...commands]);
  }

  /** The shards of the named orders not remembered yet, in one query. */
  private async lookUp(batch: readonly Waiting[]): Promise<Map<string, number>> {
    const unknown = new Set<string>();
    for (const { envelope } of batch) {
      const c = envelope.command as { type?: unknown; orderId?: unknown } | null;
      if (c?.type === 'create_order' || typeof c?.orderId !== 'string') continue;
      if (!this.shardOfOrder.has(c.orderId)) unknown.add(c.orderId);
    }
    const found = new Map<string, number>();
    if (unknown.size === 0) return found;
    const r = await this.db.query<{ order_id: string; shard: number }>(
      'SELECT order_id, shard FROM orders WHERE order_id = ANY($1::text[])',
      [[...unknown]],
      { prepared: true },
    );
    for (const row of r.rows) {
      found.set(row.order_id, Number(row.shard));
      this.remember(row.order_id, Number(row.shard));
    }
    return found;
  }

  private remember(orderId: string, shard: number): void {
    if (this.shardOfOrder.size > 100_000) this.shardOfOrder.clear();
    this.shardOfOrder.set(orderId, shard);
  }

  private shardFor(envelope: CommandEnvelope, lookedUp: ReadonlyMap<string, number>): number {
    const c = envelope.command as { type?: unknown; orderId?: unknown; merchantId?: unknown };
    if (c?.type === 'create_order' && typeof c.merchantId === 'string')
      return shardOf(c.merchantId);
    if (typeof c?.orderId !== 'string') return 0;
    return (
      this.shardOfOrder.get(c.orderId) ??
      lookedUp.get(c.orderId) ??
      this.creating.get(c.orderId) ??
      0
    );
  }

  /** Starts a batch on every placement that has commands waiting and none in flight. */
  private pump(): void {
    for (const [placement, q] of this.waiting) {
      if (this.busy.has(placement) || q.length === 0) continue;
      const batch = q.splice(0, this.opts.maxBatch ?? 500);
      this.busy.add(placement);
      void this.run(batch).finally(() => {
        // Committed creates are remembered by now (run); failed ones name no order.
        for (const w of batch) {
          const created = createdOrderId(w.envelope);
          if (created !== null && this.creating.get(created) === this.shardFor(w.envelope, NONE))
            this.creating.delete(created);
        }
        this.busy.delete(placement);
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const ordersAfter = new Map<string, OrderState>();
      try {
        // The transaction opens with the batch's savepoint (same round trip as BEGIN); the
        // sidecar rows are written after the commands, in the same transaction, so a batch
        // that falls back to one by one keeps them.
        const outcomes = await this.db.transaction(
          async (tx) => {
            const out = await applyBatch(
              tx,
              batch.map((w) => w.envelope),
              this.clock.now(),
              { policy: this.opts.policy, ordersAfter, savepointTaken: true },
            );
            const byKind = new Map<BatchSidecar, unknown[]>();
            for (const w of batch)
              if (w.sidecar)
                byKind.set(w.sidecar.kind, [...(byKind.get(w.sidecar.kind) ?? []), w.sidecar.row]);
            for (const [kind, rows] of byKind) await kind.write(tx, rows);
            return out;
          },
          { savepoint: APPLY_BATCH_SAVEPOINT },
        );
        // The orders this batch made or changed: their next commands need no shard look-up.
        if (this.opts.placementOf)
          for (const order of ordersAfter.values())
            this.remember(order.orderId, shardOf(order.merchantId));
        this.stats.batches++;
        this.stats.commands += batch.length;
        this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
        batch.forEach((w, i) => {
          const outcome = outcomes[i]!;
          const order = outcome.ok ? ordersAfter.get(outcome.commandId) : undefined;
          w.resolve(order && !outcome.replayed ? { outcome, order } : { outcome });
        });
        return;
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        if (attempt < ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
        for (const w of batch) w.reject(err);
        return;
      }
    }
  }
}
