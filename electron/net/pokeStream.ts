import { SERVER_REQUEST_HEADERS } from './serverClient.ts';

/**
 * The central API's poke stream (`GET /v1/sync/poke`, Server-Sent Events) read with fetch: the
 * desk core cannot use EventSource (no DOM, and it must send its bearer token). Events are
 * `ready` (the subscription is live) and `poke` (something in the desk's scope changed).
 */
export interface PokeStreamHandlers {
  onReady(): void;
  onPoke(): void;
}

/** Largest SSE line the desk keeps reading; the server's are a few bytes. */
const MAX_LINE_CHARS = 4096;

/**
 * Reads one stream until it ends, fails, or `signal` aborts. Resolves when the server closes
 * it and rejects on a refusal or network failure; the caller reconnects either way.
 */
export async function readPokeStream(
  opts: { baseUrl: string; token: string; signal: AbortSignal },
  handlers: PokeStreamHandlers,
): Promise<void> {
  const res = await fetch(`${opts.baseUrl.replace(/\/+$/, '')}/v1/sync/poke`, {
    headers: {
      accept: 'text/event-stream',
      authorization: `Bearer ${opts.token}`,
      ...SERVER_REQUEST_HEADERS,
    },
    signal: opts.signal,
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new PokeRefused(res.status);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (event === 'ready') handlers.onReady();
        else if (event === 'poke') handlers.onPoke();
        event = 'message';
      } else if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      }
      // `data:` and `:` comment (keep-alive) lines carry nothing the desk needs.
    }
    if (buffer.length > MAX_LINE_CHARS) throw new Error('poke stream line too long');
  }
}

/** The server answered the subscription with an error status (401 after a revoked session). */
export class PokeRefused extends Error {
  constructor(readonly status: number) {
    super(`the server refused the poke stream (${status})`);
  }
}
