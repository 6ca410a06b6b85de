import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCall } from '../../shared/contract/validate.ts';

/**
 * Issue 12: "The desk accepts a plain http:// server URL for passwords and tokens." The desk
 * takes https, or plain http on loopback only, from settings, flags and the environment.
 */

test('settings.set refuses a plain-http server URL that is not loopback', () => {
  for (const serverUrl of ['http://api.escrow-desk.example', 'http://10.0.0.5:8787']) {
    const r = parseCall('settings.set', { serverUrl });
    assert.ok(!r.ok, serverUrl);
    assert.equal(r.error.code, 'invalid_input');
    assert.match(r.error.message, /^serverUrl: .*https/);
  }
  for (const serverUrl of ['https://api.escrow-desk.example', 'http://127.0.0.1:8787', null]) {
    assert.ok(parseCall('settings.set', { serverUrl }).ok, String(serverUrl));
  }
});

test('a settings file holding a plain-http server URL is not trusted on load', async () => {
  const { deskContract } = await import('../../shared/contract/deskContract.ts');
  const parsed = deskContract['settings.get'].output.safeParse({
    locale: 'en',
    serverUrl: 'http://api.escrow-desk.example',
  });
  assert.equal(parsed.success, false);
});

function webMode(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'desk-url-'));
  try {
    return spawnSync(
      process.execPath,
      ['--import', 'tsx', 'electron/web/webMain.ts', '--data-dir', dir, '--port', '0', ...args],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('web mode refuses a plain-http --server-url with a clear message', () => {
  const r = webMode(['--server-url', 'http://api.escrow-desk.example']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /refusing server URL http:\/\/api\.escrow-desk\.example: .*https/);
});

test('web mode refuses a plain-http ESCROW_DESK_SERVER_URL with a clear message', () => {
  const r = webMode([], { ESCROW_DESK_SERVER_URL: 'http://192.168.1.20:8787' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /refusing server URL/);
});
