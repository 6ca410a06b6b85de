// `npm run dist [-- --win | --mac]`: builds the app, then the installers with electron-builder
// (electron-builder.config.cjs). electron-builder rebuilds better-sqlite3 for Electron's ABI in
// node_modules while packaging; afterwards it is rebuilt for Node again, so `npm test` and web
// mode keep working (DESIGN.md: never leave node_modules on Electron's ABI).
// Signing comes first: without code signing and a way to verify updates the build stops
// (scripts/packagingPolicy.cjs), unless ESCROW_DESK_UNSIGNED=1 asks for a local unsigned build.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, buildElectron, buildRenderer } from './buildApp.mjs';
import policy from './packagingPolicy.cjs';

const args = process.argv.slice(2);
const targets = policy.distTargets(args, process.platform);
const problems = policy.packagingProblems(process.env, targets);
if (problems.length > 0) {
  console.error(
    `npm run dist: refusing to package ${targets.join(', ')} without signing configuration:\n` +
      problems.map((p) => `  - ${p}\n`).join('') +
      'See README "Packaging". For a local build that is not signed and never updates itself,\n' +
      'set ESCROW_DESK_UNSIGNED=1.',
  );
  process.exit(1);
}
const signing = policy.packagingSigning(process.env);
if (signing.unsigned)
  console.warn(
    'npm run dist: UNSIGNED build (ESCROW_DESK_UNSIGNED=1), local use only; updates off.',
  );

await buildRenderer();
await buildElectron();
const bin = join(
  ROOT,
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder',
);
const packaged = spawnSync(bin, ['--config', 'electron-builder.config.cjs', ...args], {
  cwd: ROOT,
  stdio: 'inherit',
});
const restored = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
  cwd: ROOT,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (restored.status !== 0)
  console.error(
    'warning: could not rebuild better-sqlite3 for Node; run `npm rebuild better-sqlite3`',
  );
if (packaged.status === 0 && !signing.unsigned) {
  if (process.env.ESCROW_DESK_UPDATE_SIGNING_KEY) {
    const signed = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/signUpdateFeed.ts', 'release'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (signed.status !== 0) process.exit(signed.status ?? 1);
  } else if (signing.updatePublicKey) {
    console.warn(
      'npm run dist: the update feed in release/ is not signed yet: run `npm run sign-update-feed`\n' +
        'with ESCROW_DESK_UPDATE_SIGNING_KEY before publishing, or desks will refuse the update.',
    );
  }
}
process.exit(packaged.status ?? 1);
