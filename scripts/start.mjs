// `npm start`: builds the desk, starts the embedded central API with demo data (unless
// ESCROW_DESK_SERVER_URL names a server), then launches Electron. Where no Electron runtime can
// be had it says so in one line and serves web mode instead, printing the URL with its token.
// `npm start -- --web` goes straight to web mode.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, buildElectron, buildRenderer } from './buildApp.mjs';
import { electronSqliteBinding, obtainElectron } from './electronRuntime.mjs';

const wantWeb = process.argv.includes('--web');
const children = new Set();

function stopAll(code = 0) {
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `server/main.ts --demo`; resolves with its URL once it listens, or null. */
async function startEmbeddedApi() {
  const port = await freePort();
  const api = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'server/main.ts'),
      '--demo',
      '--quiet',
      '--port',
      String(port),
      '--data-dir',
      join(ROOT, '.data/desk-api'),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(api);
  api.on('exit', () => children.delete(api));
  return new Promise((resolve) => {
    // PGlite's first start creates the database (tens of seconds on a busy machine): say so
    // while it runs, and give up only after minutes, stopping the child rather than leaving it.
    const started = Date.now();
    const progress = setInterval(
      () => console.log(`  …still starting (${Math.round((Date.now() - started) / 1000)} s)`),
      20_000,
    );
    const timer = setTimeout(() => {
      api.kill('SIGTERM');
      resolve(null);
    }, 300_000);
    api.once('exit', () => clearInterval(progress));
    const lines = createInterface({ input: api.stdout });
    lines.on('line', (line) => {
      const listening = /listening on (http:\/\/\S+)/.exec(line);
      if (listening) {
        clearTimeout(timer);
        clearInterval(progress);
        resolve(listening[1]);
      } else if (/^\s+\S+\s+\S+ \/ \S+/.test(line) || /demo data/.test(line)) {
        console.log(line);
      }
    });
    let err = '';
    api.stderr.on('data', (d) => (err += d));
    api.once('exit', (code) => {
      clearTimeout(timer);
      // Enough of the child's stderr to show the error itself, not only Node's closing lines.
      if (code !== 0 && err) console.error(err.trim().split('\n').slice(-25).join('\n'));
      resolve(null);
    });
  });
}

console.log('Building the desk…');
await buildRenderer();
await buildElectron();

let serverUrl = process.env.ESCROW_DESK_SERVER_URL ?? null;
if (serverUrl) {
  console.log(`Using the central server at ${serverUrl}`);
} else {
  console.log('Starting the embedded central API with demo data (sign-in accounts):');
  serverUrl = await startEmbeddedApi();
  if (serverUrl) console.log(`Central API: ${serverUrl}`);
  else
    console.log(
      'The embedded API did not start; the desk runs on local demo data (accounts: seller / demo-seller, agent / demo-agent, senior / demo-senior).',
    );
}
const env = { ...process.env, ...(serverUrl ? { ESCROW_DESK_SERVER_URL: serverUrl } : {}) };

function run(cmd, args, extraEnv = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...env, ...extraEnv } });
  children.add(child);
  child.on('exit', (code) => {
    children.delete(child);
    stopAll(code ?? 0);
  });
}

function runWebMode() {
  run(process.execPath, [
    join(ROOT, 'dist/electron/webMain.cjs'),
    '--data-dir',
    join(ROOT, '.data/web'),
  ]);
}

if (wantWeb) {
  runWebMode();
} else {
  const electron = obtainElectron();
  if ('reason' in electron) {
    console.log(`No Electron runtime here (${electron.reason}); opening web mode instead.`);
    runWebMode();
  } else {
    let binding = null;
    try {
      binding = await electronSqliteBinding();
    } catch (err) {
      console.log(
        `Could not build better-sqlite3 for Electron (${err.message.split('\n')[0]}); opening web mode instead.`,
      );
    }
    if (binding)
      run(electron.exe, [join(ROOT, 'dist/electron/main.cjs')], {
        ESCROW_DESK_NATIVE_BINDING: binding,
      });
    else runWebMode();
  }
}
