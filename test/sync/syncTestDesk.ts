import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncClient } from '../../electron/core/sync/syncClient.ts';
import type { SyncClient, SyncClientOptions } from '../../electron/core/sync/syncClient.ts';
import { createHttpTransport } from '../../electron/core/sync/syncTransport.ts';
import { openDatabase } from '../../electron/core/store/openDatabase.ts';
import type { Db } from '../../electron/core/store/openDatabase.ts';
import type { Actor } from '../../shared/escrow/types.ts';

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

export function openDesk(
  file: string,
  baseUrl: string,
  token: string,
  actor: Actor,
  opts: Partial<SyncClientOptions> & { timeoutMs?: number } = {},
): TestDesk {
  const db = openDatabase(file);
  const transport = createHttpTransport({
    baseUrl,
    token: () => token,
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
  const client = createSyncClient({ db, transport, actor, ...opts });
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
