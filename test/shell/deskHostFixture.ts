import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoAuthenticator } from '../../electron/host/demoAccounts.ts';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';

export const CORE_WORKER_SOURCE = new URL('../../electron/host/coreWorker.ts', import.meta.url);

/** A real desk host (worker thread, SQLite file with demo data) in a fresh temp folder. */
export function startDemoHost(opts: { callTimeoutMs?: number } = {}): {
  host: DeskHost;
  dir: string;
  databaseFile: string;
  cleanup(): Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'desk-shell-'));
  const databaseFile = join(dir, 'desk.db');
  const host = createDeskHost({
    core: {
      workerEntry: CORE_WORKER_SOURCE,
      workerData: { databaseFile, seedDemo: true },
      restartDelayMs: 20,
      ...(opts.callTimeoutMs ? { callTimeoutMs: opts.callTimeoutMs } : {}),
    },
    settingsFile: join(dir, 'settings.json'),
    authenticatorFor: () => demoAuthenticator(),
    vault: memoryTokenVault(),
  });
  return {
    host,
    dir,
    databaseFile,
    async cleanup() {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function signInAsSeller(host: DeskHost): Promise<void> {
  const signedIn = await host.call('session.signIn', {
    username: 'seller',
    password: 'demo-seller',
  });
  if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.message}`);
}

export function unwrap<T = unknown>(
  result: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}
