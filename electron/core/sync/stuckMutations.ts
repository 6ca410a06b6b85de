/**
 * Finding the one queued action the server keeps failing on, so it cannot stall the queue
 * behind it (issue 12). A push that fails with a transient server answer (5xx, a cut answer)
 * is retried with backoff as always; from the second failure on, mutations go one at a time,
 * so the failing one is known exactly. When the same single mutation has failed
 * `maxAttempts` times in a row, the sync client gives it up: the server records it as
 * rejected (`mutation_stuck`), the user sees it as a sync issue, and the rest move on.
 *
 * Network failures (no answer at all) never count: an offline desk keeps everything queued.
 */
export interface StuckTracker {
  /** How many mutations to push now: one at a time while a failure is being narrowed down. */
  batchSize(normal: number): number;
  /** A push of these ids failed transiently: the id to give up on, once its attempts are used. */
  failed(ids: readonly number[]): number | null;
  succeeded(): void;
}

export function createStuckTracker(maxAttempts: number): StuckTracker {
  let narrowing = false;
  let suspect: number | null = null;
  let attempts = 0;
  return {
    batchSize: (normal) => (narrowing ? 1 : normal),
    failed(ids) {
      narrowing = true;
      if (ids.length !== 1) return null;
      const id = ids[0]!;
      attempts = suspect === id ? attempts + 1 : 1;
      suspect = id;
      return attempts >= maxAttempts ? id : null;
    },
    succeeded() {
      narrowing = false;
      suspect = null;
      attempts = 0;
    },
  };
}
