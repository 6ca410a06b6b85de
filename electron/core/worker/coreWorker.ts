import { parentPort, workerData } from 'node:worker_threads';
import { parseInput } from '../../../shared/contract/validate.ts';
import type { CoreMethod } from '../../../shared/contract/types.ts';
import { fail, isDeskError } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import { createCallQueue } from './callQueue.ts';
import { handleCoreCall } from './deskHandlers.ts';
import { openReplicaSession } from './replicaSession.ts';
import { createSessionSlot } from './sessionSlot.ts';
import { createPageDecoder } from '../sync/pageDecoder.ts';
import type { ReplicaSession } from './replicaSession.ts';
import type {
  CoreSession,
  CoreWorkerData,
  WorkerCall,
  WorkerMessage,
  WorkerSessionMessage,
} from './workerMessages.ts';

/**
 * The worker thread that owns the signed-in user's replica database. One worker, one
 * connection, calls answered one at a time in arrival order, so SQLite never blocks the
 * Electron main thread and writes never race each other. Signing in as someone else closes
 * the previous user's file and opens theirs: nothing of one user's replica is ever read for
 * another.
 */
const port = parentPort;
if (!port) throw new Error('coreWorker must run as a worker thread');
const data = workerData as CoreWorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);

const slot = createSessionSlot<ReplicaSession>();
// Stateless, so one serves each user who signs in here in turn: its thread starts once.
const pageDecoder = createPageDecoder();

async function useSession(session: CoreSession | null): Promise<void> {
  await slot.clear();
  if (!session) return;
  const replica = openReplicaSession(session, {
    dataDir: data.dataDir,
    ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
    ...(data.syncPollMs ? { syncPollMs: data.syncPollMs } : {}),
    pageDecoder,
  });
  const { sync } = replica;
  const stops = [
    sync.subscribe((status) => post({ kind: 'event', topic: 'sync.status', payload: status })),
    sync.onOrdersChanged((orderIds) =>
      post({
        kind: 'event',
        topic: 'orders.changed',
        payload: { orderIds: orderIds.slice(0, 1000), at: Date.now() },
      }),
    ),
    sync.onAlerts((alerts) =>
      post({ kind: 'event', topic: 'desk.alert', payload: { alerts: alerts.slice(0, 100) } }),
    ),
  ];
  slot.set(replica, stops);
  // Finance works on the platform's books through the API; it has no replica scope to sync.
  if (replica.actor.role !== 'finance') sync.start();
}

async function answer(call: WorkerCall): Promise<Result<unknown>> {
  const current = slot.current();
  if (!current) return fail('unauthorized', 'sign in first');
  return dispatch(call.method, call.input, call.nowMs, current.session);
}

async function dispatch<M extends CoreMethod>(
  method: M,
  input: unknown,
  nowMs: number,
  session: ReplicaSession,
): Promise<Result<unknown>> {
  // Checked again here: the worker trusts no caller with its database.
  const parsed = parseInput(method, input);
  if (!parsed.ok) return parsed;
  return handleCoreCall(method, parsed.value, { session, actor: session.actor, nowMs });
}

async function respond(message: WorkerCall): Promise<void> {
  let result: Result<unknown>;
  try {
    result = await answer(message);
  } catch (err) {
    result = isDeskError(err)
      ? fail(err.code, err.message)
      : fail('internal', `core error: ${(err as Error).message}`);
  }
  post({ kind: 'result', id: message.id, result });
}

/**
 * Calls that only read and may take many seconds: a verify of a million journal rows runs in
 * part workers (journalParts.ts), and the calls behind it need not wait for it (callQueue.ts).
 * Sync rounds wait for it (syncClient.ts).
 */
const BESIDE_THE_QUEUE: ReadonlySet<CoreMethod> = new Set(['ledger.verify']);

const enqueue = createCallQueue<WorkerCall | WorkerSessionMessage>(
  async (message) => {
    if (message.kind === 'call') return respond(message);
    await useSession(message.session).catch((err: Error) =>
      post({
        kind: 'event',
        topic: 'sync.status',
        payload: {
          state: 'error',
          online: false,
          pendingMutations: 0,
          openIssues: 0,
          lastSyncedAt: null,
          message: err.message,
          bootstrap: null,
        },
      }),
    );
  },
  (message) =>
    message.kind === 'session'
      ? 'barrier'
      : BESIDE_THE_QUEUE.has(message.method)
        ? 'beside'
        : 'inOrder',
);
port.on('message', enqueue);

post({ kind: 'ready' });
