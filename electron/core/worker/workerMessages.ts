import type { Result } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/escrow/types.ts';
import type { CoreMethod, TopicName } from '../../../shared/contract/types.ts';

/** What the core worker is started with (structured-cloned into `workerData`). */
export interface CoreWorkerData {
  /**
   * The desk's private data folder. Each signed-in user's replica lives in its own file below
   * it (replicaFiles.ts), so shifts sharing one computer never see each other's data.
   */
  dataDir: string;
  /** better-sqlite3's nativeBinding for the Electron-ABI addon; absent under plain Node. */
  nativeBinding?: string;
  /**
   * How often the sync loop polls when nothing pokes it (10 s by default). Tests and benches
   * that must see pokes deliver, not polling, set it far out.
   */
  syncPollMs?: number;
}

/** Host → worker. The input is checked again by the worker against the contract. */
export interface WorkerCall {
  kind: 'call';
  id: number;
  method: CoreMethod;
  input: unknown;
  nowMs: number;
}

/** Who is signed in, against which central server: the worker opens that user's replica. */
export interface CoreSession {
  serverUrl: string;
  token: string;
  actor: Actor;
}

export interface WorkerSessionMessage {
  kind: 'session';
  session: CoreSession | null;
}

/** Worker → host. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'event'; topic: TopicName; payload: unknown };
