import type { Result } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { MethodName, TopicName } from '../../shared/contract/types.ts';

/** What the core worker is started with (structured-cloned into `workerData`). */
export interface CoreWorkerData {
  databaseFile: string;
  /** better-sqlite3's nativeBinding for the Electron-ABI addon; absent under plain Node. */
  nativeBinding?: string;
  /** Seeds demo orders into an empty database (npm start without a central server). */
  seedDemo: boolean;
}

/** Host → worker. Input has already passed the contract; the actor comes from the session. */
export interface WorkerCall {
  kind: 'call';
  id: number;
  method: MethodName;
  input: unknown;
  actor: Actor | null;
  nowMs: number;
}

/**
 * Who is signed in, against which server. With a server the worker keeps a sync client and
 * answers from the replica; without one (offline demo) it answers from the local store.
 */
export interface CoreSession {
  serverUrl: string | null;
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
