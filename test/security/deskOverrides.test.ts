import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { OVERRIDE_VARIABLES, runtimeOverrides } from '../../electron/main/runtimeOverrides.ts';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { CORE_WORKER_SOURCE } from '../shell/deskHostFixture.ts';

/**
 * Issue 12: "ESCROW_DESK_NATIVE_BINDING and ESCROW_DESK_USER_DATA are honoured in packaged
 * builds (a native-addon load path around the fuses)… Packaged builds fall back to demo
 * accounts." Environment overrides count only when the app is not packaged.
 */

const hostile = {
  ESCROW_DESK_USER_DATA: '/tmp/elsewhere',
  ESCROW_DESK_NATIVE_BINDING: '/tmp/evil.node',
  ESCROW_DESK_UPDATE_URL: 'https://evil.example/feed',
  ESCROW_DESK_SERVER_URL: 'https://evil.example',
};

test('a packaged build ignores every ESCROW_DESK_* override', () => {
  const o = runtimeOverrides(hostile, true);
  assert.equal(o.userDataDir, null);
  assert.equal(o.nativeBinding, null);
  assert.equal(o.updateFeedUrl, null);
  assert.equal(o.serverUrl, null);
  assert.deepEqual(o.ignored.sort(), [...OVERRIDE_VARIABLES].sort());
  assert.deepEqual(o.refused, []);
});

test('the Electron main process reads ESCROW_DESK_* only through runtimeOverrides', () => {
  const dir = new URL('../../electron/main/', import.meta.url);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ts') || name === 'runtimeOverrides.ts') continue;
    const source = readFileSync(new URL(name, dir), 'utf8');
    assert.doesNotMatch(source, /process\.env\.ESCROW_DESK_|env\[['"]ESCROW_DESK_/, name);
  }
  assert.match(
    readFileSync(new URL('main.ts', dir), 'utf8'),
    /runtimeOverrides\(process\.env, app\.isPackaged\)/,
  );
});

test('with no server configured, a desk answers server_required: there are no demo accounts', async () => {
  const host = createDeskHost({
    core: { workerEntry: CORE_WORKER_SOURCE, workerData: { dataDir: tmpdir() } },
    settingsFile: null,
    authenticatorFor: () => null,
    vault: memoryTokenVault(),
  });
  try {
    const r = await host.call('session.signIn', { username: 'seller', password: 'demo-seller' });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'server_required');
  } finally {
    await host.close();
  }
});
