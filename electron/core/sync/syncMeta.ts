import { uuidv7 } from '../../../shared/ids.ts';
import type { Db } from '../store/openDatabase.ts';

/**
 * Small durable facts of the sync client, one row each. `lastAllocatedMutationId` is kept
 * apart from the outbox so an id is never reused after the outbox row is confirmed and dropped.
 */
export interface SyncMeta {
  clientId(): string;
  get(key: MetaKey): string | null;
  set(key: MetaKey, value: string | null): void;
  getNumber(key: MetaKey): number;
}

export type MetaKey =
  | 'clientId'
  | 'cookie'
  /** Highest id the server confirmed by a pull (outbox rows up to it are dropped). */
  | 'confirmedMutationId'
  /** Highest id the server reported processed by a push (results stored, maybe not pulled). */
  | 'pushedMutationId'
  | 'lastAllocatedMutationId'
  | 'lastSyncedAt'
  /** True once a bootstrap finished: the cookie is then a log cookie. */
  | 'bootstrapped'
  /** Whom the replica was downloaded for: role and merchant (worker/replicaScope.ts). */
  | 'scope';

export function createSyncMeta(db: Db): SyncMeta {
  const getStmt = db.prepare<[string], { value: string }>(
    'SELECT value FROM sync_meta WHERE key = ?',
  );
  const setStmt = db.prepare(
    'INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const delStmt = db.prepare('DELETE FROM sync_meta WHERE key = ?');
  const get = (key: MetaKey): string | null => getStmt.get(key)?.value ?? null;
  const set = (key: MetaKey, value: string | null): void => {
    if (value === null) delStmt.run(key);
    else setStmt.run(key, value);
  };
  return {
    clientId() {
      let id = get('clientId');
      if (!id) {
        id = uuidv7();
        set('clientId', id);
      }
      return id;
    },
    get,
    set,
    getNumber(key) {
      const v = get(key);
      return v === null ? 0 : Number(v);
    },
  };
}
