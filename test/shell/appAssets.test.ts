import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pickEntryPage, resolveAsset } from '../../electron/platform/appAssets.ts';

const root = mkdtempSync(join(tmpdir(), 'desk-assets-'));
const site = join(root, 'site');
mkdirSync(join(site, 'assets'), { recursive: true });
mkdirSync(join(site, 'shell'), { recursive: true });
writeFileSync(join(site, 'shell/index.html'), '<!doctype html>');
writeFileSync(join(site, 'assets/app.js'), '');
writeFileSync(join(root, 'secret.txt'), 'secret');
after(() => rmSync(root, { recursive: true, force: true }));

test('the page and its assets resolve; client routes fall back to the entry page', () => {
  assert.equal(pickEntryPage(site), 'shell/index.html');
  assert.equal(resolveAsset(site, '/', 'shell/index.html'), join(site, 'shell/index.html'));
  assert.equal(
    resolveAsset(site, '/assets/app.js', 'shell/index.html'),
    join(site, 'assets/app.js'),
  );
  assert.equal(
    resolveAsset(site, '/orders/DEMO-1', 'shell/index.html'),
    join(site, 'shell/index.html'),
  );
  assert.equal(resolveAsset(site, '/assets/missing.js', 'shell/index.html'), null);
});

test('no request path escapes the renderer folder', () => {
  for (const path of [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/%00.js',
    '/%E0%A4%A',
    `/${join(root, 'secret.txt')}`,
  ]) {
    const file = resolveAsset(site, path, 'shell/index.html');
    assert.ok(file === null || file.startsWith(site), `${path} -> ${file}`);
    assert.notEqual(file, join(root, 'secret.txt'));
  }
});
