import { fail, ok } from '../../shared/errors.ts';
import type { ErrorCode, Result } from '../../shared/errors.ts';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol.ts';

/**
 * The desk's one way to the central API: sign-in (host), sync and the dispute desk's calls
 * (core worker) all go through `createServerClient`, so timeouts, the protocol header and the
 * classification of failures are decided once, here.
 *
 * `transient` failures (no connection, timeout, a cut or garbled answer, 5xx, 429, 408) are
 * retried with backoff and never change local state; the others (4xx) need a person (sign in
 * again, update the app) or are a lasting refusal of that one request.
 */
export class ServerCallError extends Error {
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
    this.name = 'ServerCallError';
    this.transient = opts.transient;
    this.network = opts.network;
    this.status = opts.status;
    this.code = opts.code;
  }
}

/** Besides authorization, what every request carries: the sync protocol this desk speaks. */
export const SERVER_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
};

/** No answer at all (refused, reset, timed out): transient. */
export function networkFailure(message: string): ServerCallError {
  return new ServerCallError(message, {
    transient: true,
    network: true,
    status: null,
    code: 'unavailable',
  });
}

/**
 * An answer that cannot be taken as data: not JSON, not the protocol, or (pageScope.ts) rows
 * outside the caller's scope. A response cut mid-body after the server committed, a server
 * mid-upgrade, a proxy's error page: retrying is safe (pushes are idempotent by mutation id,
 * pulls by cookie), so it is transient.
 */
export function garbledAnswer(message: string, status = 200): ServerCallError {
  return new ServerCallError(message, {
    transient: true,
    network: false,
    status,
    code: 'unavailable',
  });
}

/** An answer that is not JSON. */
export function unreadableAnswer(status: number): ServerCallError {
  return garbledAnswer(`unreadable answer (HTTP ${status})`, status);
}

/** A refusal (HTTP >= 400): 5xx, 429 and 408 are transient; the rest last. */
export function refusalOf(status: number, body: unknown): ServerCallError {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const transient = status >= 500 || status === 429 || status === 408;
  const code = typeof err?.code === 'string' ? (err.code as ErrorCode) : null;
  return new ServerCallError(typeof err?.message === 'string' ? err.message : `HTTP ${status}`, {
    transient,
    network: false,
    status,
    code: code ?? (transient ? 'unavailable' : status === 401 ? 'unauthorized' : 'internal'),
  });
}

/**
 * Runs a protocol parser over a server answer: an answer that does not parse is a garbled
 * answer, never data.
 */
export function parseAnswer<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw garbledAnswer(`answer does not match the protocol: ${(err as Error).message}`);
  }
}

/** A server call as the contract's Result: its value, or the server's or transport's refusal. */
export async function asResult<T>(call: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await call());
  } catch (err) {
    if (err instanceof ServerCallError) return fail(err.code, err.message);
    throw err;
  }
}

/** A client on another thread's side, from a connection taken here (ServerClient.connection). */
export function clientFor(c: ServerConnection): ServerClient {
  return createServerClient({ baseUrl: c.baseUrl, token: () => c.token, timeoutMs: c.timeoutMs });
}

export interface ServerClientOptions {
  baseUrl: string;
  /** The bearer token of the signed-in user, if any; the server takes the actor from it. */
  token?: () => string | null;
  timeoutMs?: number;
  /** The largest answer read, in bytes (MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number;
}

/**
 * The largest answer the desk reads. A pull page (5,000 changes) is a few MB, a report or an
 * evidence file tens at most: an answer past this is a faulty or hostile server, read no
 * further instead of growing until the desk runs out of memory.
 */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** An answer past the cap: asking again would bring the same, so it is not transient. */
export function answerTooLarge(status: number, maxBytes: number): ServerCallError {
  return new ServerCallError(`the server's answer is larger than ${maxBytes} bytes`, {
    transient: false,
    network: false,
    status,
    code: 'payload_too_large',
  });
}

export interface ServerRequest {
  method: 'GET' | 'POST';
  path: string;
  /** A JSON body, or a multipart form (uploads), or a file sent as it is (statements). */
  body?: unknown;
  form?: FormData;
  file?: { bytes: Uint8Array; type: string };
}

export interface ServerBytes {
  data: Uint8Array;
  headers: Headers;
}

/**
 * What another thread needs to make the same calls as a client, taken at one moment (the
 * token as it is then): it builds its own client from it (pageDecoder.ts pulls that way).
 */
export interface ServerConnection {
  baseUrl: string;
  token: string | null;
  timeoutMs: number;
}

export interface ServerClient {
  readonly baseUrl: string;
  /** This client's server, token and timeout as they are now. */
  connection(): ServerConnection;
  /** The answer's JSON; throws ServerCallError for every failure. */
  json(req: ServerRequest): Promise<unknown>;
  /**
   * The answer's bytes and headers (files, and pull pages, which are decoded off the calling
   * thread); throws ServerCallError for every failure.
   */
  bytes(req: ServerRequest): Promise<ServerBytes>;
}

export function createServerClient(opts: ServerClientOptions): ServerClient {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxBytes = opts.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function send(req: ServerRequest): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...SERVER_REQUEST_HEADERS,
    };
    const token = opts.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.file) headers['content-type'] = req.file.type;
    try {
      return await fetch(`${base}${req.path}`, {
        method: req.method,
        headers,
        body:
          req.form ??
          (req.file ? new Uint8Array(req.file.bytes) : undefined) ??
          (req.body === undefined ? undefined : JSON.stringify(req.body)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw networkFailure(`no answer from the server: ${(err as Error).message}`);
    }
  }

  async function readBody(res: Response): Promise<Uint8Array> {
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw answerTooLarge(res.status, maxBytes);
    }
    if (!res.body) return new Uint8Array(0);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const next = await reader.read().catch((err: unknown) => {
        throw networkFailure(`the answer was cut off: ${(err as Error).message}`);
      });
      if (next.done) return Buffer.concat(chunks, size);
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw answerTooLarge(res.status, maxBytes);
      }
      chunks.push(next.value);
    }
  }

  function parseJson(res: Response, data: Uint8Array): unknown {
    try {
      return JSON.parse(new TextDecoder().decode(data));
    } catch {
      if (!res.ok) throw refusalOf(res.status, null);
      throw unreadableAnswer(res.status);
    }
  }

  return {
    baseUrl: base,
    connection: () => ({ baseUrl: base, token: opts.token?.() ?? null, timeoutMs }),
    async json(req) {
      const res = await send(req);
      const json = parseJson(res, await readBody(res));
      if (!res.ok) throw refusalOf(res.status, json);
      return json;
    },
    async bytes(req) {
      const res = await send(req);
      const data = await readBody(res);
      if (!res.ok) {
        let body: unknown = null;
        try {
          body = JSON.parse(new TextDecoder().decode(data));
        } catch {
          // A refusal without a JSON body is classified by its status alone.
        }
        throw refusalOf(res.status, body);
      }
      return { data, headers: res.headers };
    },
  };
}
