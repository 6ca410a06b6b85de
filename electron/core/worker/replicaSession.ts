import { closeSync, openSync } from 'node:fs';
import type { Actor } from '../../../shared/escrow/types.ts';
import { createServerClient } from '../../net/serverClient.ts';
import { createDisputeCalls } from '../disputes/disputeCalls.ts';
import { createTreasuryCalls } from '../treasury/treasuryCalls.ts';
import { createSearchModels } from '../replica/searchModels.ts';
import { createRefundFileCalls } from '../refunds/refundFileCalls.ts';
import type { RefundFileCalls } from '../refunds/refundFileCalls.ts';
import { createMerchantSettings } from '../shipping/merchantSettings.ts';
import type { MerchantSettingsCalls } from '../shipping/merchantSettings.ts';
import { createShippingCalls } from '../shipping/shippingCalls.ts';
import type { ShippingCalls } from '../shipping/shippingCalls.ts';
import type { SearchModels } from '../replica/searchModels.ts';
import { openDatabase } from '../store/openDatabase.ts';
import type { Db } from '../store/openDatabase.ts';
import { subscribePokes } from '../sync/pokeSubscription.ts';
import { createSyncClient } from '../sync/syncClient.ts';
import type { SyncClient } from '../sync/syncClient.ts';
import type { PageDecoder } from '../sync/pageDecoder.ts';
import { createHttpTransport } from '../sync/syncTransport.ts';
import { replicaFile } from './replicaFiles.ts';
import { openForScope } from './replicaScope.ts';
import type { CoreSession } from './workerMessages.ts';

/** Everything the worker holds for the signed-in user: their replica and their server calls. */
export interface ReplicaSession {
  readonly actor: Actor;
  readonly file: string;
  readonly db: Db;
  readonly sync: SyncClient;
  readonly search: SearchModels;
  readonly disputes: ReturnType<typeof createDisputeCalls>;
  readonly treasury: ReturnType<typeof createTreasuryCalls>;
  readonly shipping: ShippingCalls;
  readonly refundFiles: RefundFileCalls;
  readonly merchantSettings: MerchantSettingsCalls;
  /** Stops syncing and closes the database; the outbox stays in the file for next time. */
  close(): Promise<void>;
}

export interface OpenReplicaOptions {
  dataDir: string;
  nativeBinding?: string;
  syncPollMs?: number;
  /** The process's pull page decoder, kept across sessions (pageDecoder.ts). */
  pageDecoder?: PageDecoder;
}

export function openReplicaSession(session: CoreSession, opts: OpenReplicaOptions): ReplicaSession {
  const file = replicaFile(opts.dataDir, session.serverUrl, session.actor.userId);
  const db = openForScope(file, session.actor, (f) => {
    // Created private before SQLite opens it; the WAL and shm files take the same mode.
    closeSync(openSync(f, 'a', 0o600));
    return openDatabase(f, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  });
  const client = createServerClient({ baseUrl: session.serverUrl, token: () => session.token });
  const treasury = createTreasuryCalls({ client, db, onQueueChanged: () => sync.refreshCounts() });
  const sync = createSyncClient({
    db,
    transport: createHttpTransport(client),
    actor: session.actor,
    ...(opts.syncPollMs ? { pollIntervalMs: opts.syncPollMs } : {}),
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    ...(opts.pageDecoder ? { pageDecoder: opts.pageDecoder } : {}),
    // Withdrawals queued offline go out with every round that reaches the server.
    sendQueued: () => treasury.flushWithdrawals(),
  });
  // The server pokes when this user's scope changes; polling stays as the fallback.
  const pokes = subscribePokes({
    baseUrl: session.serverUrl,
    token: () => session.token,
    onPoke: () => sync.poke(),
  });
  return {
    actor: session.actor,
    file,
    db,
    sync,
    search: createSearchModels(db),
    disputes: createDisputeCalls({ client }),
    treasury,
    shipping: createShippingCalls({ client }),
    refundFiles: createRefundFileCalls({ client }),
    merchantSettings: createMerchantSettings({ client, db }),
    async close() {
      await pokes.stop();
      await sync.stop();
      db.close();
    },
  };
}
