import type { Worker } from 'node:worker_threads';
import { startWorker, workerEntryBeside } from '../../platform/startWorker.ts';
import { ServerCallError } from '../../net/serverClient.ts';
import type { ServerConnection } from '../../net/serverClient.ts';
import { decodePullBody } from './pulledPage.ts';
import type { PullBody, PulledPage } from './pulledPage.ts';
import type { PullRequest } from '../../../shared/sync/protocol.ts';
import type { SyncTransport } from './syncTransport.ts';

/**
 * Decodes pull pages (pulledPage.ts decodePullBody) on a thread of its own, so the core thread
 * can write one page while the next is decoded (syncPull.ts asks for page N+1 before it writes
 * page N). Decoding a bootstrap page (parse, protocol check, serialising its rows) was about
 * 40% of applying it on the core thread.
 *
 * The decoding thread is stateless, so one serves every sync client of a process in turn (the
 * core worker's: each user who signs in on the install). It starts with the first large page,
 * and until it has loaded (a quarter of a second from TypeScript source, less from the bundle)
 * pages are decoded in the calling thread, as small pages always are: a worker round trip costs
 * more than decoding an incremental pull. If the thread fails, decoding falls back to the
 * calling thread for good; a decode never fails because of the thread.
 */
export interface PageDecoder {
  decode(body: PullBody): Promise<PulledPage>;
  /**
   * A pull asked and decoded. When `large` pages are expected (a first download), the thread
   * is ready and the transport names its server, the thread asks for the page itself: its
   * answer then arrives while the calling thread is busy writing the page before, which an
   * answer read by a thread stuck in SQLite cannot. Otherwise the transport asks here.
   */
  pull(transport: SyncTransport, req: PullRequest, large: boolean): Promise<PulledPage>;
  /**
   * Starts the decoding thread if it is not running, and resolves once it takes pages (true)
   * or cannot (false). For a caller that knows large pages are coming (a first download).
   */
  warm(): Promise<boolean>;
  /** How many pages the decoding thread has decoded (the rest were decoded here). */
  decodedOnThread(): number;
  /**
   * The thread: not running (never started, or ended when idle), loading, ready, or failed (or
   * closed: pages are decoded in the calling thread for good).
   */
  threadState(): 'none' | 'loading' | 'ready' | 'failed';
  /** Ends the thread; pages asked for afterwards are decoded in the calling thread. */
  close(): Promise<void>;
}

/** Bodies below this many bytes (UTF-16 units for text) are decoded in the calling thread. */
const WORKER_MIN_BYTES = 256 * 1024;
/**
 * The decoding thread's young generation. A bootstrap page's parsed objects all live until its
 * rows are posted, more than V8's default young generation lets die young. Measured on the
 * 20,000-order bootstrap (bench/desk.bench.ts, two runs each): desk.apply_vs_raw_insert
 * 0.256 / 0.276 by default, 0.314 / 0.335 at 96 MB, a sixth less CPU, and the thread's garbage
 * collection over a run 365 → 115 ms (CPU profiles).
 */
const YOUNG_GENERATION_MB = 96;
/** The thread ends after this long without a page (its memory is given back); the next starts it. */
const IDLE_MS = 30_000;

export type PageDecodeRequest =
  | { id: number; body: PullBody }
  | { id: number; pull: { connection: ServerConnection; req: PullRequest } };
export type PageDecodeReply =
  | { kind: 'ready' }
  | { kind: 'page'; id: number; page: PulledPage }
  | {
      kind: 'failed';
      id: number;
      message: string;
      /** The ServerCallError's classification, when decoding threw one (it always should). */
      call: ConstructorParameters<typeof ServerCallError>[1] | null;
    };

type Waiter = { resolve: (page: PulledPage) => void; reject: (err: Error) => void };

export function createPageDecoder(
  opts: { minWorkerBytes?: number; idleMs?: number } = {},
): PageDecoder {
  const minBytes = opts.minWorkerBytes ?? WORKER_MIN_BYTES;
  const idleMs = opts.idleMs ?? IDLE_MS;
  let idle: NodeJS.Timeout | null = null;
  let thread: Worker | null = null;
  let ready = false;
  let failed = false;
  let nextId = 1;
  let onThread = 0;
  const waiting = new Map<number, Waiter>();
  /** Waiting for the thread to load (warm), told whether it did. */
  const warming = new Set<(ready: boolean) => void>();

  /**
   * What each request out on the thread becomes if the thread dies with it: its body decoded
   * here, or its pull asked again here (a pull is a read).
   */
  const fallbacks = new Map<number, () => Promise<PulledPage>>();

  function giveUp(): void {
    failed = true;
    ready = false;
    thread = null;
    for (const tell of warming) tell(false);
    warming.clear();
    for (const [id, w] of waiting) fallbacks.get(id)!().then(w.resolve, w.reject);
    waiting.clear();
    fallbacks.clear();
  }

  /** The thread is needed (a page is out, or someone waits for it to load): it keeps the process alive. */
  function busy(t: Worker): void {
    if (idle) clearTimeout(idle);
    idle = null;
    t.ref();
  }

  /** Nothing is out: an idle decoder must not keep a process alive, and ends after IDLE_MS. */
  function rest(t: Worker): void {
    if (waiting.size > 0 || warming.size > 0 || thread !== t) return;
    t.unref();
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      if (thread !== t || waiting.size > 0) return;
      thread = null;
      ready = false;
      void t.terminate();
    }, idleMs);
    idle.unref();
  }

  function start(): void {
    const t = startWorker(workerEntryBeside(import.meta.url, 'pageDecodeWorker'), null, {
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    t.on('message', (reply: PageDecodeReply) => {
      if (reply.kind === 'ready') {
        ready = true;
        for (const tell of warming) tell(true);
        warming.clear();
        rest(t);
        return;
      }
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      fallbacks.delete(reply.id);
      if (!w) return;
      if (reply.kind === 'page') {
        onThread++;
        w.resolve(reply.page);
      } else
        w.reject(
          reply.call ? new ServerCallError(reply.message, reply.call) : new Error(reply.message),
        );
    });
    t.once('error', () => {
      if (thread === t) giveUp();
    });
    t.once('exit', () => {
      if (thread === t) giveUp();
    });
    thread = t;
    // After the listeners: adding a 'message' listener refs the thread's port again.
    rest(t);
  }

  function inThread(
    t: Worker,
    request: PageDecodeRequest,
    fallback: () => Promise<PulledPage>,
  ): Promise<PulledPage> {
    // Kept while out, so a page is never lost with its thread (giveUp).
    fallbacks.set(request.id, fallback);
    return new Promise<PulledPage>((resolve, reject) => {
      waiting.set(request.id, { resolve, reject });
      // A body is copied, not transferred: it stays here in case the thread dies with it.
      t.postMessage(request);
      busy(t);
    }).finally(() => rest(t));
  }

  const here = (body: PullBody) => Promise.resolve().then(() => decodePullBody(body));

  function decode(body: PullBody): Promise<PulledPage> {
    const size = typeof body === 'string' ? body.length : body.byteLength;
    if (failed || size < minBytes) return here(body);
    if (!thread) start();
    if (!ready) return here(body);
    return inThread(thread!, { id: nextId++, body }, () => here(body));
  }

  return {
    decode,
    pull(transport, req, large) {
      const askHere = async () => decode(await transport.pull(req));
      if (!large || !ready || !thread || !transport.connection) return askHere();
      const connection = transport.connection();
      return inThread(thread, { id: nextId++, pull: { connection, req } }, async () =>
        decodePullBody(await transport.pull(req)),
      );
    },
    warm() {
      if (failed) return Promise.resolve(false);
      if (!thread) start();
      if (ready) return Promise.resolve(true);
      busy(thread!);
      return new Promise((resolve) => warming.add(resolve));
    },
    decodedOnThread: () => onThread,
    threadState: () => (failed ? 'failed' : !thread ? 'none' : ready ? 'ready' : 'loading'),
    async close() {
      const t = thread;
      failed = true;
      if (idle) clearTimeout(idle);
      if (!t) return;
      // giveUp (on exit) decodes, or asks again, whatever was still out, here.
      await t.terminate();
    },
  };
}
