/**
 * What the core publishes to the renderer about sync. A superset of the contract's
 * `sync.status` topic payload (shared/contract/domainSchemas.ts `syncStatusSchema`): the shell
 * can pass it as is, the extra fields are stripped by that schema until the contract names them.
 */
export interface SyncStatus {
  state: 'idle' | 'syncing' | 'offline' | 'error';
  online: boolean;
  pendingMutations: number;
  openIssues: number;
  lastSyncedAt: number | null;
  /** The latest error for people, null when the last round went through. */
  message: string | null;
  /** While bootstrapping: how many orders and journal rows are stored so far. */
  bootstrap: { orders: number; txns: number; done: boolean } | null;
}

export type SyncStatusListener = (status: SyncStatus) => void;

export interface SyncStatusHub {
  get(): SyncStatus;
  update(patch: Partial<SyncStatus>): void;
  subscribe(listener: SyncStatusListener): () => void;
}

export function createSyncStatusHub(initial: SyncStatus): SyncStatusHub {
  let current = initial;
  const listeners = new Set<SyncStatusListener>();
  return {
    get: () => current,
    update(patch) {
      const next = { ...current, ...patch };
      const changed = (Object.keys(next) as (keyof SyncStatus)[]).some(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]),
      );
      current = next;
      if (!changed) return;
      for (const l of listeners) {
        try {
          l(current);
        } catch {
          // A broken subscriber must not stop sync or the other subscribers.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
  };
}
