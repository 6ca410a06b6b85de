import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import type { Authenticator } from '../../electron/host/sessionTypes.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import type { TokenVault } from '../../electron/host/sessionTypes.ts';
import { DEMO_ACCOUNTS } from '../../server/demo/demoAccounts.ts';
import type { DemoAccount } from '../../server/demo/demoAccounts.ts';
import { loadDemo } from '../../server/demo/loadDemo.ts';
import { startServer } from '../../server/startServer.ts';
import { BANK_SECRETS, openTestDatabase } from '../server/testServer.ts';
import type { RunningServer } from '../../server/startServer.ts';

export const CORE_WORKER_SOURCE = new URL(
  '../../electron/core/worker/coreWorker.ts',
  import.meta.url,
);

/**
 * The central API with its demo data, as `npm start` embeds it: on PostgreSQL in a schema of
 * its own when reachable (seconds), else on PGlite in memory (about 20 s on these machines).
 */
export async function startDemoServer(): Promise<RunningServer> {
  const tdb = await openTestDatabase('desk');
  const server = await startServer({
    db: tdb.db,
    port: 0,
    logger: false,
    timerIntervalMs: false,
    bankSecrets: BANK_SECRETS,
  });
  await loadDemo(server.ctx.db);
  return {
    ...server,
    async close() {
      await server.close();
      await tdb.drop();
    },
  };
}

/**
 * An authenticator for a server that is still starting: the desk host can be built at once
 * (tests build it at module level) and sign-in waits for the server.
 */
function lazyAuthenticator(server: Promise<RunningServer>): Authenticator {
  let url = '';
  void server.then((s) => (url = s.url)).catch(() => undefined);
  return {
    get serverUrl() {
      return url;
    },
    signIn: async (u, p) => serverAuthenticator((await server).url).signIn(u, p),
    resume: async (t) => serverAuthenticator((await server).url).resume(t),
    signOut: async (t) => serverAuthenticator((await server).url).signOut(t),
  };
}

/**
 * A real desk host (worker thread, one SQLite replica per user under a temp data folder)
 * against a real central API with demo data, as `npm start` runs them.
 */
export function startDemoHost(
  opts: { callTimeoutMs?: number; vault?: TokenVault; syncPollMs?: number } = {},
): {
  host: DeskHost;
  dir: string;
  server: Promise<RunningServer>;
  cleanup(): Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'desk-shell-'));
  const server = startDemoServer();
  const authenticator = lazyAuthenticator(server);
  const host = createDeskHost({
    core: {
      workerEntry: CORE_WORKER_SOURCE,
      workerData: { dataDir: dir, ...(opts.syncPollMs ? { syncPollMs: opts.syncPollMs } : {}) },
      restartDelayMs: 20,
      ...(opts.callTimeoutMs ? { callTimeoutMs: opts.callTimeoutMs } : {}),
    },
    settingsFile: join(dir, 'settings.json'),
    authenticatorFor: () => authenticator,
    vault: opts.vault ?? memoryTokenVault(),
  });
  return {
    host,
    dir,
    server,
    async cleanup() {
      await host.close();
      await (await server).close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Another desk (its own host, worker and data folder) against an already running central API:
 * two desks of one merchant, as two computers in a shop would run them.
 */
export function startSiblingHost(
  serverUrl: string,
  opts: { syncPollMs?: number } = {},
): { host: DeskHost; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'desk-sibling-'));
  const authenticator = serverAuthenticator(serverUrl);
  const host = createDeskHost({
    core: {
      workerEntry: CORE_WORKER_SOURCE,
      workerData: { dataDir: dir, ...(opts.syncPollMs ? { syncPollMs: opts.syncPollMs } : {}) },
      restartDelayMs: 20,
    },
    settingsFile: join(dir, 'settings.json'),
    authenticatorFor: () => authenticator,
    vault: memoryTokenVault(),
  });
  return {
    host,
    async cleanup() {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const demoAccount = (username: string): DemoAccount => {
  const account = DEMO_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account ${username}`);
  return account;
};

export async function signInAs(host: DeskHost, username: string): Promise<void> {
  const { password } = demoAccount(username);
  const signedIn = await host.call('session.signIn', { username, password });
  if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.message}`);
  // The first pull brings the user's replica; tests read from it.
  await host.call('sync.now', {});
}

export const signInAsSeller = (host: DeskHost): Promise<void> => signInAs(host, 'staff1');

export function unwrap<T = unknown>(
  result: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}
