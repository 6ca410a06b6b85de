import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncClient } from '../../electron/core/sync/syncClient.ts';
import type { SyncClient, SyncClientOptions } from '../../electron/core/sync/syncClient.ts';
import { createServerClient } from '../../electron/net/serverClient.ts';
import { createHttpTransport } from '../../electron/core/sync/syncTransport.ts';
import { openDatabase } from '../../electron/core/store/openDatabase.ts';
import type { Db } from '../../electron/core/store/openDatabase.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { CoreMethod, MethodOutput } from '../../shared/contract/types.ts';
import { parseInput } from '../../shared/contract/validate.ts';
import type { Result } from '../../shared/errors.ts';
import { createRefundFileCalls } from '../../electron/core/refunds/refundFileCalls.ts';
import { createMerchantSettings } from '../../electron/core/shipping/merchantSettings.ts';
import { createShippingCalls } from '../../electron/core/shipping/shippingCalls.ts';
import { createDisputeCalls } from '../../electron/core/disputes/disputeCalls.ts';
import { createTreasuryCalls } from '../../electron/core/treasury/treasuryCalls.ts';
import { createSearchModels } from '../../electron/core/replica/searchModels.ts';
import { handleCoreCall } from '../../electron/core/worker/deskHandlers.ts';
import type { ReplicaSession } from '../../electron/core/worker/replicaSession.ts';

/** A desk core on a real SQLite file, syncing over real HTTP to `baseUrl`. */
export interface TestDesk {
  db: Db;
  file: string;
  client: SyncClient;
  close(): void;
}

export function tempDir(prefix = 'desk-sync-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The worker's handler map (electron/core/worker/deskHandlers.ts) over a test desk: what a
 * contract call from the renderer would answer, for the desk's own user.
 */
export function deskHandle(desk: TestDesk, baseUrl: string, token: string, actor: Actor) {
  const client = createServerClient({ baseUrl, token: () => token });
  const session: ReplicaSession = {
    actor,
    file: desk.file,
    db: desk.db,
    sync: desk.client,
    search: createSearchModels(desk.db),
    disputes: createDisputeCalls({ client }),
    treasury: createTreasuryCalls({ client, db: desk.db }),
    shipping: createShippingCalls({ client }),
    refundFiles: createRefundFileCalls({ client }),
    merchantSettings: createMerchantSettings({ client, db: desk.db }),
    close: async () => desk.close(),
  };
  return async <M extends CoreMethod>(
    method: M,
    input: unknown,
    nowMs: number = Date.now(),
  ): Promise<Result<MethodOutput<M>>> => {
    const parsed = parseInput(method, input);
    if (!parsed.ok) return parsed;
    return handleCoreCall(method, parsed.value, { session, actor, nowMs });
  };
}

export function openDesk(
  file: string,
  baseUrl: string,
  token: string,
  actor: Actor,
  opts: Partial<SyncClientOptions> & { timeoutMs?: number; openDb?: (file: string) => Db } = {},
): TestDesk {
  const { openDb = openDatabase, ...clientOpts } = opts;
  const db = openDb(file);
  const transport = createHttpTransport(
    createServerClient({
      baseUrl,
      token: () => token,
      timeoutMs: opts.timeoutMs ?? 10_000,
    }),
  );
  const client = createSyncClient({ db, transport, actor, ...clientOpts });
  return {
    db,
    file,
    client,
    close() {
      if (db.open) db.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * One sync round as the desk's loop would finish it: a transient failure (a timeout while the
 * loaded server is still applying a 500-mutation push) is retried, as the loop does with backoff.
 */
export async function syncUntilDone(desk: TestDesk, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await desk.client.syncOnce();
    } catch (err) {
      if (attempt >= attempts || !(err as { transient?: boolean }).transient) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
