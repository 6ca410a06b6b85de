import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runOnlyConsent, safeStorageVault } from '../../electron/main/secretStore.ts';
import type { SafeStorageLike } from '../../electron/main/secretStore.ts';
import { startDemoHost } from '../shell/deskHostFixture.ts';

/**
 * Issue 12: "On Linux without a keyring, no one can sign in at all." Sign-in now answers
 * `secret_store_unavailable`; with the user's consent (`rememberForRunOnly`) the token is kept
 * in memory for this run only — never on disk in plain text.
 */

const dir = mkdtempSync(join(tmpdir(), 'desk-keyring-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Electron's safeStorage on Linux with no keyring: "encrypts" with a hard-coded key. */
const basicText: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: (plain) => Buffer.from(plain),
  decryptString: (data) => data.toString(),
};

test('without a keyring, save answers secret_store_unavailable and writes nothing', () => {
  const file = join(dir, 'a', 'token.bin');
  const vault = safeStorageVault(basicText, file, 'linux');
  const saved = vault.save('tok-1');
  assert.ok(!saved.ok);
  assert.equal(saved.error.code, 'secret_store_unavailable');
  assert.equal(vault.load(), null);
  assert.equal(existsSync(file), false);
});

test('with run-only consent the token lives in memory for this run and is gone next run', async () => {
  const file = join(dir, 'b', 'token.bin');
  const vault = safeStorageVault(basicText, file, 'linux');
  const saved = await vault.withRunOnlyConsent(true, async () => vault.save('tok-2'));
  assert.ok(saved.ok);
  assert.equal(vault.load(), 'tok-2');
  assert.equal(existsSync(file), false, 'a run-only token reached the disk');
  // The next launch (a new vault over the same folder) finds nothing.
  assert.equal(safeStorageVault(basicText, file, 'linux').load(), null);
  // Consent covers that one sign-in only.
  assert.equal(vault.save('tok-3').ok, false);
});

test('run-only consent is never shared between overlapping sign-ins', async () => {
  const vault = safeStorageVault(basicText, join(dir, 'c', 'token.bin'), 'linux');
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = vault.withRunOnlyConsent(false, async () => {
    await gate;
    return vault.save('tok-first');
  });
  const second = vault.withRunOnlyConsent(true, async () => vault.save('tok-second'));
  release();
  assert.equal((await first).ok, false);
  assert.equal((await second).ok, true);
});

test('runOnlyConsent reads only an explicit true', () => {
  assert.equal(runOnlyConsent({ rememberForRunOnly: true }), true);
  for (const input of [{ rememberForRunOnly: 'true' }, {}, null, 'x', { rememberForRunOnly: 1 }])
    assert.equal(runOnlyConsent(input), false);
});

test('through the desk host: refused without consent, signed in for the run with it', async () => {
  const tokenFile = join(dir, 'host', 'token.bin');
  const vault = safeStorageVault(basicText, tokenFile, 'linux');
  const fixture = startDemoHost({ vault });
  try {
    const credentials = { username: 'staff1', password: 'escrow-demo-2005' };
    const refused = await fixture.host.call('session.signIn', credentials);
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'secret_store_unavailable');
    const input = { ...credentials, rememberForRunOnly: true };
    const signedIn = await vault.withRunOnlyConsent(runOnlyConsent(input), () =>
      fixture.host.call('session.signIn', input),
    );
    assert.ok(signedIn.ok, signedIn.ok ? '' : signedIn.error.message);
    const current = await fixture.host.call('session.current', {});
    assert.ok(current.ok && (current.value as { user: unknown }).user !== null);
    assert.equal(existsSync(tokenFile), false);
    assert.deepEqual(
      readdirSync(fixture.dir).filter((f) => f.startsWith('token')),
      [],
    );
  } finally {
    await fixture.cleanup();
  }
});
