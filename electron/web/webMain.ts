import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDeskHost } from '../host/deskHost.ts';
import { serverAuthenticator } from '../host/serverAuthenticator.ts';
import { memoryTokenVault } from '../host/sessionTypes.ts';
import { createFileLog } from '../host/fileLog.ts';
import { preparePrivateDataDir, restrictUmask } from '../platform/privateFiles.ts';
import { serverUrlProblem } from '../../shared/serverUrl.ts';
import { startWebServer } from './webServer.ts';

/**
 * `node dist/electron/webMain.cjs` (or `tsx electron/web/webMain.ts`): the desk in a browser.
 * Used by `npm start` where no Electron runtime can be had, and by thin clients.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string', default: '.data/web' },
    'renderer-dir': { type: 'string' },
    'server-url': { type: 'string' },
  },
});

const here = fileURLToPath(new URL('.', import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const rendererDir = resolve(
  values['renderer-dir'] ?? join(here, fromSource ? '../../dist/renderer' : '../renderer'),
);
const workerEntry = new URL(
  fromSource ? '../core/worker/coreWorker.ts' : './coreWorker.cjs',
  import.meta.url,
);
const dataDir = resolve(values['data-dir']);
// Orders, ledger, settings and logs are the user's alone: 0700 folder, 0600 files (POSIX).
restrictUmask();
preparePrivateDataDir(dataDir);
const serverUrl = values['server-url'] ?? (process.env.ESCROW_DESK_SERVER_URL || null);
// Passwords and tokens go to this server: https only, plain http only on loopback.
const serverUrlRefused = serverUrl === null ? null : serverUrlProblem(serverUrl);
if (serverUrlRefused) {
  console.error(`Escrow Desk web mode: refusing server URL ${serverUrl}: ${serverUrlRefused}`);
  process.exit(2);
}
const log = createFileLog(join(dataDir, 'logs'));

const host = createDeskHost({
  core: {
    workerEntry,
    workerData: { dataDir },
  },
  settingsFile: join(dataDir, 'settings.json'),
  authenticatorFor: (settings) => {
    const url = settings.serverUrl ?? serverUrl;
    return url ? serverAuthenticator(url) : null;
  },
  vault: memoryTokenVault(),
  log: (level, message) => log.write(level, message),
});
async function main(): Promise<void> {
  const web = await startWebServer({
    host,
    rendererDir,
    port: Number(values.port),
    log: (l, m) => log.write(l, m),
  });

  console.log(`Escrow Desk (web mode) is running. Open:\n  ${web.url}`);
  if (serverUrl === null)
    console.log('No central server given (--server-url): sign-in needs one in the settings.');
  console.log(`Logs: ${log.file}`);

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await web.close();
    await host.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: Error) => {
  console.error(`Escrow Desk web mode could not start: ${err.message}`);
  process.exit(1);
});
