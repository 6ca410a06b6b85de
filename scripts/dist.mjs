// `npm run dist [-- --win | --mac]`: builds the app, then the installers with electron-builder
// (electron-builder.config.cjs). electron-builder rebuilds better-sqlite3 for Electron's ABI in
// node_modules while packaging; afterwards it is rebuilt for Node again, so `npm test` and web
// mode keep working (DESIGN.md: never leave node_modules on Electron's ABI).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, buildElectron, buildRenderer } from './buildApp.mjs';

await buildRenderer();
await buildElectron();
const bin = join(
  ROOT,
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder',
);
const packaged = spawnSync(
  bin,
  ['--config', 'electron-builder.config.cjs', ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
const restored = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
  cwd: ROOT,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (restored.status !== 0)
  console.error(
    'warning: could not rebuild better-sqlite3 for Node; run `npm rebuild better-sqlite3`',
  );
process.exit(packaged.status ?? 1);
