// Finding (or fetching) the Electron binary, and a better-sqlite3 built for Electron's ABI kept
// apart from node_modules (DESIGN.md: node_modules stays on Node's ABI for the tests).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './buildApp.mjs';

const electronDir = join(ROOT, 'node_modules', 'electron');

/** The Electron executable if it is installed; never triggers a download. */
export function installedElectron() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/**
 * The Electron executable, fetching it once with electron's own installer when missing.
 * Returns `{ exe }` or `{ reason }` (one line, for the fallback message).
 */
export function obtainElectron({ timeoutMs = 120_000 } = {}) {
  const found = installedElectron();
  if (found) return { exe: found };
  const run = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const after = installedElectron();
  if (after) return { exe: after };
  const lines = `${run.stderr ?? ''}\n${run.error?.message ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error/i.test(l));
  return { reason: lines[0]?.slice(0, 160) ?? 'the Electron binary could not be downloaded' };
}

export function electronVersion() {
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
}

/**
 * better_sqlite3.node for this Electron version, built once into .data/electron-native/ from
 * a copy of node_modules/better-sqlite3 (the copy in node_modules is left alone).
 */
export async function electronSqliteBinding() {
  const version = electronVersion();
  const dir = join(ROOT, '.data', 'electron-native', version);
  const moduleDir = join(dir, 'node_modules', 'better-sqlite3');
  const binding = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'better-sqlite3'), moduleDir, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  });
  const sqliteVersion = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')).version;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'electron-native',
      private: true,
      dependencies: { 'better-sqlite3': sqliteVersion },
    }),
  );
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: dir,
    electronVersion: version,
    onlyModules: ['better-sqlite3'],
    force: true,
  });
  if (!existsSync(binding)) throw new Error(`no ${binding} after the rebuild`);
  return binding;
}
