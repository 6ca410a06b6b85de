import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { MINUTE_MS } from '../../shared/time.ts';
import { SHARDS } from '../../shared/ledger/shards.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { applyBatch } from '../escrow/applyCommand.ts';
import { takeRollup } from '../ledger/ledgerRollup.ts';
import type { Metrics } from '../observability/metrics.ts';
import { derivedCommandId } from '../common/derivedCommandId.ts';

const SYSTEM: Actor = { role: 'system', userId: 'system:timers' };

/** Due orders taken per transaction: one group-committed batch. */
const TIMER_BATCH = 200;

/**
 * Applies the timers of up to `limit` due orders of one shard in one transaction,
 * group-committed with `applyBatch` (a batch never spans shards, so it locks only that shard's
 * head and sub-accounts); returns how many orders it visited (0: nothing is due). The order rows are
 * claimed with FOR UPDATE SKIP LOCKED, so server instances sharing a database each take
 * different orders and never wait on one another; the command id names the order's version and
 * due time, so even a run repeated after a crash replays instead of applying twice.
 */
export async function applyDueTimers(
  db: Database,
  clock: Clock,
  shard: number,
  limit: number,
  policy?: EscrowPolicy,
  metrics?: Metrics,
): Promise<number> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    const due = await tx.query<{ order_id: string; version: number; next_timer_at: number }>(
      `SELECT order_id, version, next_timer_at FROM orders
       WHERE shard = $3 AND next_timer_at <= $1 ORDER BY next_timer_at LIMIT $2
       FOR UPDATE SKIP LOCKED`,
      [now, limit, shard],
    );
    if (due.rows.length === 0) return 0;
    const outcomes = await applyBatch(
      tx,
      due.rows.map((row) => ({
        commandId: derivedCommandId('timer', row.order_id, `v${row.version}`, row.next_timer_at),
        actor: SYSTEM,
        command: { type: 'advance_timers' as const, orderId: row.order_id },
      })),
      now,
      { policy },
    );
    // A timer the rules refuse (or one already applied under this id) must not keep the order
    // at the head of the queue: look again in a minute, and let the rejection show in the
    // metrics.
    const stuck = due.rows.filter((_, i) => !outcomes[i]!.ok || outcomes[i]!.replayed);
    if (stuck.length > 0)
      await tx.query(
        `UPDATE orders o SET next_timer_at = $3
           FROM unnest($1::text[], $2::bigint[]) AS s(id, due)
          WHERE o.order_id = s.id AND o.next_timer_at = s.due`,
        [stuck.map((r) => r.order_id), stuck.map((r) => r.next_timer_at), now + MINUTE_MS],
      );
    due.rows.forEach((row, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) metrics?.rejections.inc({ code: outcome.error.code });
      if (metrics && outcome.ok && outcome.events.length > 0) {
        metrics.commandsApplied.inc({ type: 'advance_timers' });
        metrics.timersApplied.inc();
        metrics.timerLagSeconds.observe({}, Math.max(0, now - row.next_timer_at) / 1000);
      }
    });
    return due.rows.length;
  });
}

/**
 * Runs every due timer now (up to `max`), shard by shard; returns how many orders were
 * visited.
 */
export async function runDueTimers(
  db: Database,
  clock: Clock,
  opts: { policy?: EscrowPolicy; metrics?: Metrics; max?: number } = {},
): Promise<number> {
  const max = opts.max ?? 1000;
  // One probe of `orders_due_by_shard` per shard (LATERAL … LIMIT 1 keeps it a probe: an
  // EXISTS became a semi-join over every open order's timer). Migration 11 dropped the index
  // on the time alone, which nothing else read.
  const due = await db.query<{ shard: number }>(
    `SELECT s AS shard FROM unnest($2::smallint[]) AS s
       CROSS JOIN LATERAL (SELECT 1 FROM orders WHERE shard = s AND next_timer_at <= $1
                            LIMIT 1) AS due
      ORDER BY s`,
    [clock.now(), SHARDS],
  );
  let n = 0;
  for (const { shard } of due.rows) {
    while (n < max) {
      const visited = await applyDueTimers(
        db,
        clock,
        Number(shard),
        Math.min(TIMER_BATCH, max - n),
        opts.policy,
        opts.metrics,
      );
      if (visited === 0) break;
      n += visited;
    }
  }
  return n;
}

/** Polls for due timers every `intervalMs` until stopped. */
export class TimerScheduler {
  private handle: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly opts: {
      policy?: EscrowPolicy;
      metrics?: Metrics;
      onError?: (e: unknown) => void;
    } = {},
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      // The platform-wide roll-up over the shard heads rides on the timer tick.
      this.running = runDueTimers(this.db, this.clock, this.opts)
        .then(() => takeRollup(this.db, this.clock.now()))
        .catch((e) => this.opts.onError?.(e))
        .finally(() => {
          if (!this.stopped) this.handle = setTimeout(tick, this.intervalMs);
        });
    };
    this.handle = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
    await this.running;
  }
}
