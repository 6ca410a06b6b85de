import { join } from 'node:path';
import { openDatabase } from '../electron/core/store/openDatabase.ts';
import type { Db } from '../electron/core/store/openDatabase.ts';
import { createSyncClient } from '../electron/core/sync/syncClient.ts';
import type { SyncClient } from '../electron/core/sync/syncClient.ts';
import type { Actor } from '../shared/escrow/types.ts';
import type { Prng } from './prng.ts';
import { seededUuid } from './prng.ts';
import type { SimTransport } from './simTransport.ts';

/**
 * One desk core on its own SQLite file. A kill abandons the client where it stood (mid-round,
 * between two of its SQLite transactions) and opens the file again, as a restarted process
 * would; the old connection is closed only so the run does not leak handles.
 */
export interface SimDesk {
  readonly name: string;
  readonly actor: Actor;
  readonly transport: SimTransport;
  db: Db;
  client: SyncClient;
  /** What this desk enqueued, to account for every mutation once the network heals. */
  enqueued: { mutationId: number; commandId: string; type: string; orderId: string }[];
  kills: number;
  reopen(): void;
  close(): void;
}

export function openSimDesk(opts: {
  name: string;
  dir: string;
  actor: Actor;
  transport: SimTransport;
  prng: Prng;
  /** The desk's wall clock; desks are never trusted with time, so it may be skewed. */
  now: () => number;
}): SimDesk {
  const file = join(opts.dir, `${opts.name}.sqlite`);
  const open = (): { db: Db; client: SyncClient } => {
    const db = openDatabase(file);
    // The client id would otherwise come from the wall clock and Web Crypto; seed it instead.
    db.prepare("INSERT OR IGNORE INTO sync_meta (key, value) VALUES ('clientId', ?)").run(
      seededUuid(opts.prng, opts.now()),
    );
    const client = createSyncClient({
      db,
      transport: opts.transport,
      actor: opts.actor,
      now: opts.now,
      random: () => opts.prng.next(),
      // Small pages so bootstrap and incremental pulls take several pages, and kills land
      // between them.
      pullLimit: 25,
      bootstrapPageLimit: 20,
      pushBatchSize: 8,
    });
    return { db, client };
  };
  const first = open();
  const desk: SimDesk = {
    name: opts.name,
    actor: opts.actor,
    transport: opts.transport,
    db: first.db,
    client: first.client,
    enqueued: [],
    kills: 0,
    reopen() {
      const old = desk.db;
      const next = open();
      desk.db = next.db;
      desk.client = next.client;
      desk.kills++;
      old.close();
    },
    close() {
      if (desk.db.open) desk.db.close();
    },
  };
  return desk;
}
