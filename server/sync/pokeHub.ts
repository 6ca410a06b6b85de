import type { Database } from '../db/database.ts';
import type { SyncScope } from './syncScope.ts';

/**
 * Fans the change log's pokes (sync migration 103) out to the desks subscribed in this API
 * process. The database is the bus: every process LISTENs on its schema's channel, so a payment
 * committed through one process pokes desks connected to any other. A poke carries only which
 * scope changed (`m:<merchantId>` or `agent`), never data: the desk pulls what it may see.
 */
export interface PokeHub {
  /** Calls `onPoke` whenever `scope` changes, until the returned function is called. */
  subscribe(scope: SyncScope, onPoke: () => void): () => void;
  /** Subscribed desks, for tests and metrics. */
  size(): number;
  close(): Promise<void>;
}

export function pokeKey(scope: SyncScope): string {
  return scope.kind === 'merchant' ? `m:${scope.merchantId}` : 'agent';
}

export function pokeChannel(schema: string): string {
  return `sync_poke_${schema}`;
}

export async function startPokeHub(db: Database): Promise<PokeHub> {
  const subscribers = new Map<string, Set<() => void>>();
  const deliver = (key: string) => {
    for (const poke of subscribers.get(key) ?? []) {
      try {
        poke();
      } catch {
        // One broken stream must not keep the others from hearing.
      }
    }
  };
  // After the listening session is lost and back (a database failover), pokes sent in between
  // are gone: every subscribed desk pulls once, and a pull with nothing new is cheap.
  const pokeEveryone = () => {
    for (const key of [...subscribers.keys()]) deliver(key);
  };
  const stop = db.listen ? await db.listen(pokeChannel(db.schema), deliver, pokeEveryone) : null;
  return {
    subscribe(scope, onPoke) {
      const key = pokeKey(scope);
      let set = subscribers.get(key);
      if (!set) subscribers.set(key, (set = new Set()));
      set.add(onPoke);
      return () => {
        set.delete(onPoke);
        if (set.size === 0) subscribers.delete(key);
      };
    },
    size: () => [...subscribers.values()].reduce((n, s) => n + s.size, 0),
    async close() {
      subscribers.clear();
      await stop?.();
    },
  };
}
