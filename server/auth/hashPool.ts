import { DeskError } from '../../shared/errors.ts';

/**
 * A small concurrency limit for CPU-heavy work (password hashing): at most `concurrency` jobs
 * run at once, at most `maxQueue` wait, and a job with a `key` (the client's address) is
 * refused while another job of the same key runs or waits — so one client flooding logins
 * holds at most one slot, and a good login from someone else waits for at most the jobs
 * already running. Refusals are `login_throttled` (HTTP 429).
 */
export class HashPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly concurrency: number;
  private readonly maxQueue: number;

  constructor(opts: { concurrency: number; maxQueue: number }) {
    this.concurrency = opts.concurrency;
    this.maxQueue = opts.maxQueue;
  }

  async run<T>(job: () => Promise<T>, key?: string): Promise<T> {
    if (key !== undefined) {
      if (this.busyKeys.has(key))
        throw new DeskError('login_throttled', 'one login at a time from this address');
      this.busyKeys.add(key);
    }
    try {
      if (this.running >= this.concurrency) {
        if (key !== undefined && this.waiting.length >= this.maxQueue)
          throw new DeskError('login_throttled', 'the server is busy checking logins; try again');
        await new Promise<void>((resolve) => this.waiting.push(resolve));
      } else {
        this.running++;
      }
      try {
        return await job();
      } finally {
        const next = this.waiting.shift();
        if (next) next();
        else this.running--;
      }
    } finally {
      if (key !== undefined) this.busyKeys.delete(key);
    }
  }

  /** Jobs running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
