/**
 * Exponential backoff with full jitter (a uniformly random wait between 0 and the capped
 * exponential): many desks coming back online after an outage spread their retries instead of
 * hitting the server in lock-step. `random` is injectable so tests replay a seed exactly.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

export function backoffDelayMs(attempt: number, opts: BackoffOptions): number {
  const random = opts.random ?? Math.random;
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.floor(random() * exp);
}
