import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodOutput } from '../../shared/contract/types.ts';

export type SyncStatus = MethodOutput<'sync.status'>;
export type ServerIssue = MethodOutput<'sync.issues'>['issues'][number];

/** An action this desk took that the central server has not confirmed yet. */
export interface LocalAction {
  commandId: string;
  orderId: string;
  /** The contract method, e.g. "shipments.ship". */
  method: string;
  at: number;
}

/** An action the desk itself refused (the server's refusals arrive as sync issues). */
export interface RejectedAction extends LocalAction {
  code: string;
  message: string;
}

export interface SyncState {
  status: SyncStatus | null;
  /** Pending actions by command id, until a sync round with nothing pending confirms them. */
  pending: readonly LocalAction[];
  rejected: readonly RejectedAction[];
  /** Actions the central server refused, until acknowledged. */
  serverIssues: readonly ServerIssue[];
  start(): () => void;
  loadIssues(): Promise<void>;
  acknowledgeIssue(mutationId: number): Promise<void>;
  refresh(): Promise<void>;
  syncNow(): Promise<void>;
  /** Called after a command the desk accepted: pending while the desk has unsynced work. */
  recordAccepted(action: LocalAction): Promise<void>;
  recordRejected(action: RejectedAction): void;
  acknowledge(commandId: string): void;
  isPending(orderId: string): boolean;
}

export const isOffline = (s: SyncStatus | null): boolean =>
  s?.state === 'offline' || s?.online === false;

/**
 * The desk's sync state as the core reports it (`sync.status` method and topic). An action is
 * shown as pending from the moment the desk accepted it while work was still unsynced, until a
 * status arrives with nothing pending: then the server has taken every mutation, ours included.
 */
export function createSyncStore(desk: DeskApi) {
  return createStore<SyncState>()((set, get) => {
    function apply(status: SyncStatus): void {
      const confirmed = status.pendingMutations === 0 && status.state === 'idle';
      const issuesChanged = (status.openIssues ?? 0) !== get().serverIssues.length;
      set((s) => ({ status, pending: confirmed ? [] : s.pending }));
      if (issuesChanged) void get().loadIssues();
    }
    return {
      status: null,
      pending: [],
      rejected: [],
      serverIssues: [],
      async loadIssues() {
        const r = await desk.sync.issues({});
        if (r.ok) set({ serverIssues: r.value.issues });
      },
      async acknowledgeIssue(mutationId) {
        await desk.sync.acknowledgeIssue({ mutationId });
        await get().loadIssues();
      },
      start() {
        void get().loadIssues();
        void get().refresh();
        return desk.subscribe('sync.status', apply);
      },
      async refresh() {
        const r = await desk.sync.status({});
        if (r.ok) apply(r.value);
      },
      async syncNow() {
        const r = await desk.sync.now({});
        if (r.ok) apply(r.value);
      },
      async recordAccepted(action) {
        const r = await desk.sync.status({});
        if (!r.ok) return;
        const unsynced = r.value.pendingMutations > 0 || r.value.state !== 'idle';
        if (unsynced) set((s) => ({ pending: [...s.pending, action] }));
        apply(r.value);
      },
      recordRejected(action) {
        set((s) => ({ rejected: [action, ...s.rejected].slice(0, 200) }));
      },
      acknowledge(commandId) {
        set((s) => ({ rejected: s.rejected.filter((r) => r.commandId !== commandId) }));
      },
      isPending(orderId) {
        return get().pending.some((a) => a.orderId === orderId);
      },
    };
  });
}

export type SyncStore = ReturnType<typeof createSyncStore>;
