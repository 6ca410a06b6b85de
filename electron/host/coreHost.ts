import type { Worker } from 'node:worker_threads';
import { fail } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import type { CoreMethod, TopicName } from '../../shared/contract/types.ts';
import { startWorker } from '../platform/startWorker.ts';
import type {
  CoreSession,
  CoreWorkerData,
  WorkerCall,
  WorkerMessage,
  WorkerSessionMessage,
} from '../core/worker/workerMessages.ts';

/**
 * Calls that may rightly take longer than a wedged worker would: a verify rehashes every journal
 * row the replica holds (seconds per million rows, more on a slow laptop).
 */
const LONG_CALLS: Partial<Record<CoreMethod, number>> = { 'ledger.verify': 10 * 60_000 };

export type HostLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface CoreHostOptions {
  workerEntry: URL;
  workerData: CoreWorkerData;
  /** A call that takes longer means the worker is stuck: it is killed and restarted. */
  callTimeoutMs?: number;
  /** First restart delay; doubles with each crash that happens before the worker is ready. */
  restartDelayMs?: number;
  /** After this many crashes in a row without reaching ready, the host stops restarting. */
  maxConsecutiveCrashes?: number;
  log?: HostLog;
}

export interface CoreHost {
  /** A core method for the signed-in user (the worker knows who from the session). */
  call(method: CoreMethod, input: unknown, nowMs: number): Promise<Result<unknown>>;
  onEvent(listener: (topic: TopicName, payload: unknown) => void): () => void;
  /** Tells the worker who is signed in; repeated to every restarted worker before any call. */
  setSession(session: CoreSession | null): void;
  /** Resolves when a worker is ready (now or after the next restart). */
  whenReady(): Promise<void>;
  /** Crashes so far, each followed by a restart. */
  readonly restarts: number;
  /** Terminates the current worker as a crash would; the host restarts it. */
  killWorker(reason: string): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  message: WorkerCall;
  sent: boolean;
  timer: NodeJS.Timeout;
  resolve(result: Result<unknown>): void;
}

/**
 * Owns the worker thread that runs the desk core. Calls are correlated by id; when the worker
 * dies every call it had been given fails with `unavailable` (the caller retries with the same
 * commandId, so a command that did commit is not applied twice), and a fresh worker is started
 * on the same database file, where everything committed is still there (WAL, synchronous=FULL).
 */
export function createCoreHost(options: CoreHostOptions): CoreHost {
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const baseDelayMs = options.restartDelayMs ?? 100;
  const maxCrashes = options.maxConsecutiveCrashes ?? 5;
  const log: HostLog = options.log ?? (() => {});

  const pending = new Map<number, Pending>();
  const listeners = new Set<(topic: TopicName, payload: unknown) => void>();
  let readyWaiters: Array<() => void> = [];
  let worker: Worker | null = null;
  let ready = false;
  let closed = false;
  let gaveUp = false;
  let nextId = 1;
  let restarts = 0;
  let crashesInRow = 0;
  let session: CoreSession | null = null;
  const sendSession = () => {
    if (ready && worker)
      worker.postMessage({ kind: 'session', session } satisfies WorkerSessionMessage);
  };

  const emit = (topic: TopicName, payload: unknown) => {
    for (const listener of listeners) listener(topic, payload);
  };

  function settle(id: number, result: Result<unknown>): void {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  function start(): void {
    ready = false;
    const w = startWorker(options.workerEntry, options.workerData);
    worker = w;
    w.on('message', (message: WorkerMessage) => {
      if (worker !== w) return;
      if (message.kind === 'ready') {
        ready = true;
        crashesInRow = 0;
        log('info', `core worker ready (restarts so far: ${restarts})`);
        sendSession();
        for (const entry of pending.values()) send(entry);
        const waiters = readyWaiters;
        readyWaiters = [];
        for (const wake of waiters) wake();
        emit('host.status', { state: 'ready', restarts, reason: null });
      } else if (message.kind === 'result') {
        settle(message.id, message.result);
      } else if (message.kind === 'event') {
        emit(message.topic, message.payload);
      }
    });
    w.on('error', (err: Error) => log('error', `core worker error: ${err.stack ?? err.message}`));
    w.on('exit', (code) => {
      if (worker !== w) return;
      worker = null;
      ready = false;
      if (closed) return;
      crashed(`core worker exited with code ${code}`);
    });
  }

  function crashed(reason: string): void {
    restarts++;
    crashesInRow++;
    log(
      'error',
      `${reason}; failing ${[...pending.values()].filter((p) => p.sent).length} call(s) in flight`,
    );
    for (const [id, entry] of pending) {
      // Calls never sent are safe to hand to the next worker; sent ones may or may not have run.
      if (entry.sent) settle(id, fail('unavailable', 'the desk core restarted; retry the call'));
    }
    if (crashesInRow > maxCrashes) {
      gaveUp = true;
      log('error', `core worker crashed ${crashesInRow} times in a row; not restarting`);
      for (const id of [...pending.keys()])
        settle(id, fail('unavailable', 'the desk core is down'));
      emit('host.status', { state: 'down', restarts, reason: 'gave up after repeated crashes' });
      return;
    }
    emit('host.status', { state: 'restarting', restarts, reason: reason.slice(0, 500) });
    const delayMs = Math.min(5_000, baseDelayMs * 2 ** (crashesInRow - 1));
    setTimeout(() => {
      if (!closed) start();
    }, delayMs).unref();
  }

  function send(entry: Pending): void {
    if (!ready || !worker || entry.sent) return;
    entry.sent = true;
    worker.postMessage(entry.message);
  }

  start();

  return {
    get restarts() {
      return restarts;
    },
    call(method, input, nowMs) {
      if (closed || gaveUp) return Promise.resolve(fail('unavailable', 'the desk core is down'));
      const id = nextId++;
      return new Promise((resolve) => {
        const timeoutMs = Math.max(callTimeoutMs, LONG_CALLS[method] ?? 0);
        const timer = setTimeout(() => {
          const entry = pending.get(id);
          settle(id, fail('unavailable', `${method} timed out after ${timeoutMs} ms`));
          // A sent call that never answers means the worker is wedged: restart it.
          if (entry?.sent) void this.killWorker(`${method} timed out`);
        }, timeoutMs);
        const entry: Pending = {
          message: { kind: 'call', id, method, input, nowMs },
          sent: false,
          timer,
          resolve,
        };
        pending.set(id, entry);
        send(entry);
      });
    },
    setSession(next) {
      // Calls not handed to a worker yet (it is restarting) were made for the session that
      // was current then: run after the switch they would act as the next user.
      if (next !== session)
        for (const [id, entry] of pending)
          if (!entry.sent) settle(id, fail('unauthorized', 'signed out before this call was sent'));
      session = next;
      sendSession();
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenReady() {
      if (ready) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    async killWorker(reason) {
      const w = worker;
      if (!w) return;
      log('warn', `killing core worker: ${reason}`);
      await w.terminate();
    },
    async close() {
      closed = true;
      for (const id of [...pending.keys()]) settle(id, fail('unavailable', 'the desk is closing'));
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
