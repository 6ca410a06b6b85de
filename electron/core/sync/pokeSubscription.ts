import { readPokeStream } from '../../net/pokeStream.ts';
import { backoffDelayMs } from './backoff.ts';

export interface PokeSubscription {
  /** True while the server's stream is open and live (after its `ready`). */
  live(): boolean;
  stop(): Promise<void>;
}

/**
 * Keeps the desk subscribed to the central API's pokes (docs/sync.md "Pokes"): on `ready` and
 * on every `poke` it asks the sync client for a round at once. When the stream fails or ends it
 * reconnects with jittered backoff; meanwhile the sync loop's polling is the fallback, so a
 * server without pokes (or a proxy that buffers them) only makes the desk slower, never stale.
 */
export function subscribePokes(opts: {
  baseUrl: string;
  token: () => string | null;
  onPoke: () => void;
  retryBaseMs?: number;
  retryCapMs?: number;
}): PokeSubscription {
  let running = true;
  let isLive = false;
  let controller = new AbortController();
  let wake: (() => void) | null = null;
  const backoff = { baseMs: opts.retryBaseMs ?? 500, capMs: opts.retryCapMs ?? 30_000 };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function loop(): Promise<void> {
    let attempt = 0;
    while (running) {
      const token = opts.token();
      controller = new AbortController();
      try {
        if (token) {
          await readPokeStream(
            { baseUrl: opts.baseUrl, token, signal: controller.signal },
            {
              onReady() {
                isLive = true;
                attempt = 0;
                opts.onPoke();
              },
              onPoke: opts.onPoke,
            },
          );
        }
      } catch {
        // Refused, cut or offline: polling carries on; try again after a pause.
      }
      isLive = false;
      if (!running) break;
      attempt++;
      await pause(Math.max(backoff.baseMs / 2, backoffDelayMs(attempt, backoff)));
    }
  }

  const done = loop();
  return {
    live: () => isLive,
    async stop() {
      running = false;
      controller.abort();
      wake?.();
      await done;
    },
  };
}
