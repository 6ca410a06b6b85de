import type { ErrorCode } from '../../../shared/errors.ts';
import { parsePullResponse } from '../../../shared/sync/parsePullResponse.ts';
import {
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
  chainResponseSchema,
  pushResponseSchema,
} from '../../../shared/sync/protocol.ts';
import type {
  ChainQuery,
  ChainResponse,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
} from '../../../shared/sync/protocol.ts';

/**
 * HTTP to the central API. Every failure is classified once, here: `transient` failures (no
 * connection, timeout, a cut or garbled response, 5xx, 429) are retried with backoff and never
 * change local state; the others (4xx) need a person (sign in again, update the app).
 */
export class SyncTransportError extends Error {
  readonly transient: boolean;
  /** True when no HTTP answer arrived at all: the desk is (or looks) offline. */
  readonly network: boolean;
  readonly status: number | null;
  readonly code: ErrorCode;
  constructor(
    message: string,
    opts: { transient: boolean; network: boolean; status: number | null; code: ErrorCode },
  ) {
    super(message);
    this.name = 'SyncTransportError';
    this.transient = opts.transient;
    this.network = opts.network;
    this.status = opts.status;
    this.code = opts.code;
  }
}

export interface SyncTransport {
  push(req: PushRequest): Promise<PushResponse>;
  pull(req: PullRequest): Promise<PullResponse>;
  chain(query: ChainQuery): Promise<ChainResponse>;
}

/** Besides authorization, what every sync request carries: the protocol this desk speaks. */
export const SYNC_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
};

/** No answer at all (refused, reset, timed out): transient. */
export function networkFailure(message: string): SyncTransportError {
  return new SyncTransportError(message, {
    transient: true,
    network: true,
    status: null,
    code: 'unavailable',
  });
}

/**
 * An answer that is not JSON: a response cut mid-body after the server committed. Retrying is
 * safe (pushes are idempotent by mutation id, pulls by cookie), so it is transient.
 */
export function unreadableAnswer(status: number): SyncTransportError {
  return new SyncTransportError(`unreadable answer (HTTP ${status})`, {
    transient: true,
    network: false,
    status,
    code: 'unavailable',
  });
}

/** A refusal (HTTP >= 400): 5xx, 429 and 408 are transient; the rest last. */
export function refusalOf(status: number, body: unknown): SyncTransportError {
  const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const transient = status >= 500 || status === 429 || status === 408;
  return new SyncTransportError(err?.message ?? `HTTP ${status}`, {
    transient,
    network: false,
    status,
    code: (err?.code as ErrorCode | undefined) ?? (transient ? 'unavailable' : 'internal'),
  });
}

export interface HttpTransportOptions {
  baseUrl: string;
  /** The bearer token of the signed-in user; the server takes the actor from it. */
  token: () => string | null;
  timeoutMs?: number;
}

export function createHttpTransport(opts: HttpTransportOptions): SyncTransport {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', ...SYNC_REQUEST_HEADERS };
    const token = opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw networkFailure(`no answer from the server: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw unreadableAnswer(res.status);
    }
    if (!res.ok) throw refusalOf(res.status, json);
    return json;
  }

  return {
    async push(req) {
      const json = await call('POST', '/v1/sync/push', req);
      return parseAnswer(() => pushResponseSchema.parse(json));
    },
    async pull(req) {
      const json = await call('POST', '/v1/sync/pull', req);
      return parseAnswer(() => parsePullResponse(json));
    },
    async chain(query) {
      const json = await call('GET', chainPath(query));
      return parseAnswer(() => chainResponseSchema.parse(json));
    },
  };
}

export function chainPath(query: ChainQuery): string {
  const cookie = query.cookie === null ? '' : `&cookie=${encodeURIComponent(query.cookie)}`;
  return `/v1/sync/chain?upTo=${query.upTo}${cookie}`;
}

/**
 * Runs a protocol parser over a server answer: an answer that does not parse is treated as a
 * transient failure (a server mid-upgrade, a proxy's error page), never as data.
 */
export function parseAnswer<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new SyncTransportError(`answer does not match the protocol: ${(err as Error).message}`, {
      transient: true,
      network: false,
      status: 200,
      code: 'unavailable',
    });
  }
}
