import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildElectron } from '../../scripts/buildApp.mjs';

const out = mkdtempSync(join(tmpdir(), 'desk-bundle-'));
before(() => buildElectron(out));
after(() => rmSync(out, { recursive: true, force: true }));

const requiresOf = (file: string): string[] => [
  ...new Set(
    [...readFileSync(join(out, file), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map(
      (m) => m[1]!,
    ),
  ),
];
const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

test('the sandboxed preload bundle requires nothing but electron', () => {
  assert.deepEqual(requiresOf('preload.cjs'), ['electron']);
});

test('main loads electron and the updater but never the database; only the worker does', () => {
  const main = requiresOf('main.cjs').filter((m) => !isBuiltin(m));
  assert.deepEqual(main.sort(), ['electron', 'electron-updater']);
  const worker = requiresOf('coreWorker.cjs').filter((m) => !isBuiltin(m));
  assert.deepEqual(worker, ['better-sqlite3']);
  const web = requiresOf('webMain.cjs').filter((m) => !isBuiltin(m));
  assert.ok(!web.includes('electron'), 'web mode must run without Electron');
});
