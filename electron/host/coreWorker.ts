import { parentPort, workerData } from 'node:worker_threads';
import { fail, isDeskError } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import { createEscrowService } from '../core/escrow/escrowService.ts';
import { openDatabase } from '../core/store/openDatabase.ts';
import { createCoreHandlers } from './coreHandlers.ts';
import { seedDemoData } from './demoSeed.ts';
import type { CoreWorkerData, WorkerCall, WorkerMessage } from './workerMessages.ts';

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

port.on('message', (message: WorkerCall) => {
  let result: Result<unknown>;
  try {
    result = handle(message.method, message.input, message.actor, message.nowMs);
  } catch (err) {
    result = isDeskError(err)
      ? fail(err.code, err.message)
      : fail('internal', `core error: ${(err as Error).message}`);
  }
  post({ kind: 'result', id: message.id, result });
});

post({ kind: 'ready' });
