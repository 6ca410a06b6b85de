import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import { MINUTE_MS } from '../../shared/time.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { applyCommand } from '../escrow/applyCommand.ts';
import type { CommandOutcome } from '../escrow/commandOutcome.ts';
import type { Metrics } from '../observability/metrics.ts';

const SYSTEM: Actor = { role: 'system', userId: 'system:timers' };

/**
 * Applies one due order's timers, or returns null when nothing is due. The order row is
 * claimed with FOR UPDATE SKIP LOCKED, so server instances sharing a database each take
 * different orders and never wait on one another; the command id names the order's version and
 * due time, so even a run repeated after a crash replays instead of applying twice.
 */
export async function applyOneDueTimer(
  db: Database,
  clock: Clock,
  policy?: EscrowPolicy,
  metrics?: Metrics,
): Promise<CommandOutcome | null> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    const due = await tx.query<{ order_id: string; version: number; next_timer_at: number }>(
      `SELECT order_id, version, next_timer_at FROM orders
       WHERE next_timer_at <= $1 ORDER BY next_timer_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    const row = due.rows[0];
    if (!row) return null;
    const outcome = await applyCommand(
      tx,
      {
        commandId: `timer:${row.order_id}:v${row.version}:${row.next_timer_at}`,
        actor: SYSTEM,
        command: { type: 'advance_timers', orderId: row.order_id },
      },
      now,
      { policy },
    );
    if (!outcome.ok || outcome.replayed) {
      // A timer the rules refuse (or one already applied under this id) must not keep the
      // order at the head of the queue: look again in a minute, and let the rejection show in
      // the metrics.
      await tx.query(
        'UPDATE orders SET next_timer_at = $2 WHERE order_id = $1 AND next_timer_at = $3',
        [row.order_id, now + MINUTE_MS, row.next_timer_at],
      );
      if (!outcome.ok) metrics?.rejections.inc({ code: outcome.error.code });
    }
    if (metrics && outcome.ok && outcome.events.length > 0) {
      metrics.commandsApplied.inc({ type: 'advance_timers' });
      metrics.timersApplied.inc();
      metrics.timerLagSeconds.observe({}, Math.max(0, now - row.next_timer_at) / 1000);
    }
    return outcome;
  });
}

/** Runs every due timer now (up to `max`); returns how many orders were advanced. */
export async function runDueTimers(
  db: Database,
  clock: Clock,
  opts: { policy?: EscrowPolicy; metrics?: Metrics; max?: number } = {},
): Promise<number> {
  let n = 0;
  while (n < (opts.max ?? 1000)) {
    const outcome = await applyOneDueTimer(db, clock, opts.policy, opts.metrics);
    if (!outcome) break;
    n++;
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
      this.running = runDueTimers(this.db, this.clock, this.opts)
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
