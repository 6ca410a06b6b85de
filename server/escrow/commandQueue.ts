import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { CommandEnvelope, OrderState } from '../../shared/escrow/types.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { applyBatch } from './applyCommand.ts';
import type { CommandOutcome } from './commandOutcome.ts';

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

/**
 * Group commit for one API process (issue 13): commands that arrive while a batch's
 * transaction runs wait, and the next batch takes all of them (at most `maxBatch`) into one
 * `applyBatch` transaction. A lone command starts at once: there is no timer, batches form
 * only from the time a transaction takes, so an idle server answers as fast as before and a
 * busy one commits hundreds of commands per transaction. Each caller gets its own outcome; a
 * command the database refuses is retried alone inside the batch (applyBatch), so it never
 * fails the others. A serialization failure or deadlock retries the batch with a fresh time;
 * any other failure (database gone) rejects every caller of that batch, none of whose commands
 * was committed.
 */
export class CommandQueue {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  /** Batches committed and the commands they held (metrics, tests). */
  readonly stats = { batches: 0, commands: 0, largestBatch: 0 };

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly opts: { policy?: EscrowPolicy; maxBatch?: number; maxInFlight?: number } = {},
  ) {}

  submit(
    envelope: CommandEnvelope,
    sidecar?: { kind: BatchSidecar; row: unknown },
  ): Promise<QueuedOutcome> {
    return new Promise<QueuedOutcome>((resolve, reject) => {
      this.waiting.push({ envelope, ...(sidecar ? { sidecar } : {}), resolve, reject });
      this.pump();
    });
  }

  /** Commands waiting for a batch (for metrics and tests). */
  get depth(): number {
    return this.waiting.length;
  }

  private pump(): void {
    // One batch in flight by default: more would only queue on the same order, head and
    // platform balance locks inside PostgreSQL, where waiting costs a connection each.
    while (this.inFlight < (this.opts.maxInFlight ?? 1) && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.opts.maxBatch ?? 500);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const ordersAfter = new Map<string, OrderState>();
      try {
        const outcomes = await this.db.transaction(async (tx) => {
          const byKind = new Map<BatchSidecar, unknown[]>();
          for (const w of batch)
            if (w.sidecar)
              byKind.set(w.sidecar.kind, [...(byKind.get(w.sidecar.kind) ?? []), w.sidecar.row]);
          for (const [kind, rows] of byKind) await kind.write(tx, rows);
          return applyBatch(
            tx,
            batch.map((w) => w.envelope),
            this.clock.now(),
            { policy: this.opts.policy, ordersAfter },
          );
        });
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
