import { parentPort, workerData } from 'node:worker_threads';
import { fail, isDeskError } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import { createEscrowService } from '../core/escrow/escrowService.ts';
import { createSearchModels } from '../core/escrow/searchModels.ts';
import { openDatabase } from '../core/store/openDatabase.ts';
import { createSyncClient } from '../core/sync/syncClient.ts';
import type { SyncClient } from '../core/sync/syncClient.ts';
import { createHttpTransport } from '../core/sync/syncTransport.ts';
import { createCoreHandlers } from './coreHandlers.ts';
import { seedDemoData } from './demoSeed.ts';
import { createReplicaHandlers } from './replicaHandlers.ts';
import type {
  CoreSession,
  CoreWorkerData,
  WorkerCall,
  WorkerMessage,
  WorkerSessionMessage,
} from './workerMessages.ts';

/**
 * The worker thread that owns the desk database. One worker, one connection, calls answered
 * one at a time in arrival order, so SQLite never blocks the Electron main thread and writes
 * never race each other.
 */
const port = parentPort;
if (!port) throw new Error('coreWorker must run as a worker thread');
const data = workerData as CoreWorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);

const db = openDatabase(
  data.databaseFile,
  data.nativeBinding ? { nativeBinding: data.nativeBinding } : {},
);
const service = createEscrowService(db);
if (data.seedDemo) seedDemoData(service, Date.now());

const handle = createCoreHandlers(db, service, (orderIds) =>
  post({ kind: 'event', topic: 'orders.changed', payload: { orderIds, at: Date.now() } }),
);

// Bulk shipping in server mode checks rows against what the desk shows (the replica with its
// pending actions), as local mode does against its store.
const shipmentChecks = createSearchModels(db);

/** Set while signed in against a central server: the sync client and its handlers. */
let replica: {
  sync: SyncClient;
  handle: ReturnType<typeof createReplicaHandlers>;
  stops: Array<() => void>;
} | null = null;

async function useSession(session: CoreSession | null): Promise<void> {
  if (replica) {
    for (const stop of replica.stops) stop();
    await replica.sync.stop();
    replica = null;
  }
  if (!session?.serverUrl) return;
  const { token } = session;
  const sync = createSyncClient({
    db,
    transport: createHttpTransport({ baseUrl: session.serverUrl, token: () => token }),
    actor: session.actor,
  });
  const stops = [
    sync.subscribe((status) => post({ kind: 'event', topic: 'sync.status', payload: status })),
    sync.onOrdersChanged((orderIds) =>
      post({
        kind: 'event',
        topic: 'orders.changed',
        payload: { orderIds: orderIds.slice(0, 1000), at: Date.now() },
      }),
    ),
  ];
  replica = {
    sync,
    handle: createReplicaHandlers(sync, { checkShipments: shipmentChecks.checkShipments }),
    stops,
  };
  sync.start();
}

// Messages are handled strictly in arrival order, one after another, so a session switch
// never races the calls around it.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerCall | WorkerSessionMessage) => {
  queue = queue.then(async () => {
    if (message.kind === 'session') {
      await useSession(message.session).catch((err: Error) =>
        post({
          kind: 'event',
          topic: 'sync.status',
          payload: {
            state: 'error',
            pendingMutations: 0,
            lastSyncedAt: null,
            message: err.message,
          },
        }),
      );
      return;
    }
    let result: Result<unknown>;
    try {
      const fromReplica =
        replica && message.actor
          ? await replica.handle(message.method, message.input, message.actor, message.nowMs)
          : null;
      result = fromReplica ?? handle(message.method, message.input, message.actor, message.nowMs);
    } catch (err) {
      result = isDeskError(err)
        ? fail(err.code, err.message)
        : fail('internal', `core error: ${(err as Error).message}`);
    }
    post({ kind: 'result', id: message.id, result });
  });
});

post({ kind: 'ready' });
