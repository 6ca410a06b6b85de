/**
 * Web mode's log of refused sockets (wrong path, host, origin or token). Anything on the
 * machine can knock on a loopback port, so a refusal must cost the desk next to nothing: it
 * never writes to disk in the refusing call, at most `maxLinesPerWindow` lines reach the log
 * per window, and the rest are counted into one "suppressed" line when the window ends.
 */

export type LogLevel = 'info' | 'warn' | 'error';

export interface RefusalLogOptions {
  /** The real log (a synchronous file append is fine: it only runs in a deferred flush). */
  write(level: LogLevel, message: string): void;
  maxLinesPerWindow?: number;
  windowMs?: number;
  nowMs?: () => number;
  /** Runs a flush later (default: setImmediate). */
  defer?: (run: () => void) => void;
  /** Emits the "suppressed" line when a window with suppressed refusals ends. */
  setTimer?: (run: () => void, ms: number) => { cancel(): void };
}

export interface RefusalLog {
  refuse(message: string): void;
  /** Writes what is pending and the suppressed count so far (on close). */
  close(): void;
}

const defaultTimer = (run: () => void, ms: number) => {
  const t = setTimeout(run, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

export function createRefusalLog(options: RefusalLogOptions): RefusalLog {
  const max = options.maxLinesPerWindow ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const nowMs = options.nowMs ?? Date.now;
  const defer = options.defer ?? ((run) => void setImmediate(run));
  const setTimer = options.setTimer ?? defaultTimer;

  let windowStart = nowMs();
  let written = 0;
  let suppressed = 0;
  let pending: string[] = [];
  let flushScheduled = false;
  let summaryTimer: { cancel(): void } | null = null;

  function flush(): void {
    flushScheduled = false;
    const lines = pending;
    pending = [];
    for (const line of lines) options.write('warn', line);
  }
  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    defer(flush);
  }
  /** Closes the current window: its suppressed count becomes one line. */
  function endWindow(now: number): void {
    summaryTimer?.cancel();
    summaryTimer = null;
    if (suppressed > 0) {
      pending.push(
        `web mode: suppressed ${suppressed} more refused sockets in ${Math.round((now - windowStart) / 1000)} s`,
      );
      scheduleFlush();
    }
    windowStart = now;
    written = 0;
    suppressed = 0;
  }

  return {
    refuse(message) {
      const now = nowMs();
      if (now - windowStart >= windowMs) endWindow(now);
      if (written < max) {
        written++;
        pending.push(message);
        scheduleFlush();
        return;
      }
      suppressed++;
      summaryTimer ??= setTimer(() => endWindow(nowMs()), windowStart + windowMs - now);
    },
    close() {
      endWindow(nowMs());
      flush();
    },
  };
}
