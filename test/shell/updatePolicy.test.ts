import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideUpdater, readBuildSigning } from '../../electron/main/updatePolicy.ts';
import { distTargets } from '../../scripts/packagingPolicy.cjs';

const signing = { updatePublicKey: null, winPublisherName: 'Escrow Desk Ltd', unsigned: false };

test('development runs never update', () => {
  const d = decideUpdater({ isPackaged: false, platform: 'win32', feedUrl: null, signing });
  assert.equal(d.enabled, false);
});

test('Windows with a publisherName updates through the Authenticode check', () => {
  const d = decideUpdater({ isPackaged: true, platform: 'win32', feedUrl: null, signing });
  assert.deepEqual(d, { enabled: true, feedUrl: null, publicKey: null, authenticode: true });
});

test('readBuildSigning reads the packaged package.json and ignores odd values', () => {
  assert.deepEqual(
    readBuildSigning({
      escrowDesk: { updatePublicKey: 'PEM', winPublisherName: '', unsigned: false },
    }),
    { updatePublicKey: 'PEM', winPublisherName: null, unsigned: false },
  );
  assert.equal(readBuildSigning({ escrowDesk: { unsigned: 'no' } }).unsigned, true);
  assert.equal(readBuildSigning(null).unsigned, true);
});

test('dist targets follow electron-builder flags, else this OS', () => {
  assert.deepEqual(distTargets(['--win', '--mac'], 'linux'), ['win', 'mac']);
  assert.deepEqual(distTargets(['-w'], 'linux'), ['win']);
  assert.deepEqual(distTargets([], 'darwin'), ['mac']);
  assert.deepEqual(distTargets([], 'win32'), ['win']);
});
