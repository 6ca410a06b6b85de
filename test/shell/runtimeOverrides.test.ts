import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeOverrides } from '../../electron/main/runtimeOverrides.ts';

test('a development run honours the overrides', () => {
  const o = runtimeOverrides(
    {
      ESCROW_DESK_USER_DATA: '/tmp/profile',
      ESCROW_DESK_NATIVE_BINDING: '/repo/.data/electron-native/better_sqlite3.node',
      ESCROW_DESK_UPDATE_URL: 'https://staging.example/feed',
      ESCROW_DESK_SERVER_URL: 'http://127.0.0.1:8787',
    },
    false,
  );
  assert.deepEqual(o, {
    userDataDir: '/tmp/profile',
    nativeBinding: '/repo/.data/electron-native/better_sqlite3.node',
    updateFeedUrl: 'https://staging.example/feed',
    serverUrl: 'http://127.0.0.1:8787',
    ignored: [],
    refused: [],
  });
});

test('an empty variable counts as unset', () => {
  const o = runtimeOverrides({ ESCROW_DESK_SERVER_URL: '', ESCROW_DESK_USER_DATA: '' }, false);
  assert.equal(o.serverUrl, null);
  assert.equal(o.userDataDir, null);
  assert.deepEqual(o.refused, []);
});

test('a plain-http server or update feed is refused with the variable named', () => {
  const o = runtimeOverrides(
    {
      ESCROW_DESK_SERVER_URL: 'http://api.escrow-desk.example',
      ESCROW_DESK_UPDATE_URL: 'http://updates.example/feed',
    },
    false,
  );
  assert.equal(o.serverUrl, null);
  assert.equal(o.updateFeedUrl, null);
  assert.equal(o.refused.length, 2);
  assert.match(o.refused[0]!, /^ESCROW_DESK_SERVER_URL: .*https/);
  assert.match(o.refused[1]!, /^ESCROW_DESK_UPDATE_URL: .*https/);
});
