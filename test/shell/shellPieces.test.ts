import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { menuTemplate } from '../../electron/main/appMenu.ts';
import type { MenuItemSpec } from '../../electron/main/appMenu.ts';
import { createFileLog } from '../../electron/host/fileLog.ts';
import { safeStorageVault, secretStoreUsable } from '../../electron/main/secretStore.ts';
import type { SafeStorageLike } from '../../electron/main/secretStore.ts';
import {
  loadWindowState,
  restoreBounds,
  saveWindowState,
} from '../../electron/main/windowState.ts';

const dir = mkdtempSync(join(tmpdir(), 'desk-pieces-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** AES-GCM with a process key: a real cipher standing in for the OS keychain. */
function aesStorage(backend: string): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

test('without a real OS secret store the token is never written to disk', () => {
  assert.equal(secretStoreUsable('linux', true, 'basic_text'), false);
  assert.equal(secretStoreUsable('linux', true, null), false);
  assert.equal(secretStoreUsable('win32', false, null), false);
  assert.equal(secretStoreUsable('linux', true, 'gnome_libsecret'), true);
  assert.equal(secretStoreUsable('darwin', true, null), true);

  const file = join(dir, 'plain-token.bin');
  const vault = safeStorageVault(aesStorage('basic_text'), file, 'linux');
  const saved = vault.save('secret-token-1');
  assert.equal(saved.ok ? 'ok' : saved.error.code, 'secret_store_unavailable');
  assert.equal(existsSync(file), false);
  assert.equal(vault.load(), null);
});

test('with a secret store the token is stored encrypted and read back', () => {
  const file = join(dir, 'token.bin');
  const storage = aesStorage('gnome_libsecret');
  const vault = safeStorageVault(storage, file, 'linux');
  assert.ok(vault.save('secret-token-2').ok);
  assert.ok(!readFileSync(file).includes(Buffer.from('secret-token-2')));
  assert.equal(safeStorageVault(storage, file, 'linux').load(), 'secret-token-2');
  vault.clear();
  assert.equal(existsSync(file), false);
});

function flatten(items: MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((i) => [i, ...flatten(i.submenu ?? [])]);
}

test('the menu carries the usual shortcuts and is labelled in Chinese or English', () => {
  for (const platform of ['darwin', 'win32'] as const) {
    const roles = flatten(menuTemplate('zh-CN', platform, false)).map((i) => i.role);
    for (const role of [
      'undo',
      'redo',
      'cut',
      'copy',
      'paste',
      'selectAll',
      'reload',
      'zoomIn',
      'minimize',
    ]) {
      assert.ok(roles.includes(role), `${platform} menu lacks ${role}`);
    }
    assert.ok(!roles.includes('toggleDevTools'), 'no devtools in a packaged build');
  }
  const zh = menuTemplate('zh-CN', 'win32', false).map((i) => i.label);
  const tw = menuTemplate('zh-TW', 'win32', false).map((i) => i.label);
  const en = menuTemplate('en', 'win32', false).map((i) => i.label);
  assert.deepEqual(zh, ['文件', '编辑', '视图', '窗口', '帮助']);
  assert.deepEqual(tw, ['檔案', '編輯', '檢視', '視窗', '說明']);
  assert.deepEqual(en, ['File', 'Edit', 'View', 'Window', 'Help']);
  const sync = flatten(menuTemplate('en', 'win32', true)).find((i) => i.id === 'sync-now');
  assert.equal(sync?.accelerator, 'CmdOrCtrl+Shift+S');
});

test('the window reopens where it was, unless that place is off every screen', () => {
  const file = join(dir, 'window.json');
  assert.equal(loadWindowState(file), null);
  saveWindowState(file, { bounds: { x: 100, y: 80, width: 1200, height: 700 }, maximized: true });
  const saved = loadWindowState(file);
  assert.deepEqual(saved, { bounds: { x: 100, y: 80, width: 1200, height: 700 }, maximized: true });
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  assert.deepEqual(restoreBounds(saved, screen), { x: 100, y: 80, width: 1200, height: 700 });
  // The monitor it was on is gone: keep the size, let the OS place it.
  const gone = { bounds: { x: 3000, y: 80, width: 1200, height: 700 }, maximized: false };
  assert.deepEqual(restoreBounds(gone, screen), { width: 1200, height: 700 });
  writeFileSync(file, '{"bounds": {"x": "1"}}');
  assert.equal(loadWindowState(file), null);
});

test('errors are appended to the log file in the log folder', () => {
  const log = createFileLog(join(dir, 'logs'));
  log.write('error', 'core worker exited with code 1');
  log.write('info', 'core worker ready');
  const lines = readFileSync(log.file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT.* ERROR core worker exited with code 1$/);
});
