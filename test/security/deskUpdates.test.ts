import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decideUpdater, readBuildSigning } from '../../electron/main/updatePolicy.ts';
import { feedSignatureProblem, signFeedFile } from '../../electron/main/updateSignature.ts';
import type { FeedInfo } from '../../electron/main/updateSignature.ts';
import { packagingProblems } from '../../scripts/packagingPolicy.cjs';
import { signFeeds } from '../../scripts/signUpdateFeed.ts';

/**
 * Issue 12: "Auto-update signatures are not checked without a Windows publisherName, and
 * ESCROW_DESK_UPDATE_URL can point a packaged app at any plain-http feed." Updates are
 * verified (Authenticode publisher on Windows, or a signed feed with the release's Ed25519
 * key everywhere), the feed is https, and packaging stops without signing configuration.
 */

const pem = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};
const release = pem();
const attacker = pem();
const sha = (c: string) => Buffer.from(c.repeat(64)).toString('base64');

function signedFeed(keys = release): FeedInfo {
  const info: FeedInfo = {
    version: '1.2.3',
    files: [{ url: 'Escrow Desk-1.2.3-win-x64.exe', sha512: sha('a'), size: 1000 }],
  };
  for (const f of info.files!) f.signature = signFeedFile(keys.privateKey, info.version, f);
  return info;
}
const signedBuild = { updatePublicKey: release.publicKey, winPublisherName: null, unsigned: false };

test('Windows without publisherName: no update unless the feed is signed (it was unchecked)', () => {
  const noKey = decideUpdater({
    isPackaged: true,
    platform: 'win32',
    feedUrl: null,
    signing: { updatePublicKey: null, winPublisherName: null, unsigned: false },
  });
  assert.equal(noKey.enabled, false);
  for (const platform of ['darwin', 'linux'] as const) {
    const d = decideUpdater({
      isPackaged: true,
      platform,
      feedUrl: null,
      signing: { updatePublicKey: null, winPublisherName: 'Escrow Desk Ltd', unsigned: false },
    });
    assert.equal(d.enabled, false, `${platform} updated without a public key`);
  }
  const withKey = decideUpdater({
    isPackaged: true,
    platform: 'win32',
    feedUrl: null,
    signing: signedBuild,
  });
  assert.ok(withKey.enabled && withKey.publicKey === release.publicKey);
});

test('a signed feed is accepted; tampered, unsigned, foreign-key and legacy feeds are refused', () => {
  assert.equal(feedSignatureProblem(signedFeed(), release.publicKey), null);

  const swapped = signedFeed();
  swapped.files![0]!.sha512 = sha('b'); // another installer behind the same signature
  assert.match(feedSignatureProblem(swapped, release.publicKey)!, /signature does not match/);

  const renamed = signedFeed();
  renamed.version = '9.9.9'; // replaying a signed file as a newer version
  assert.match(feedSignatureProblem(renamed, release.publicKey)!, /signature does not match/);

  const unsigned = signedFeed();
  delete unsigned.files![0]!.signature;
  assert.match(feedSignatureProblem(unsigned, release.publicKey)!, /not signed/);

  assert.match(feedSignatureProblem(signedFeed(attacker), release.publicKey)!, /does not match/);

  const extra = signedFeed();
  extra.files!.push({ url: 'evil.exe', sha512: sha('c') });
  assert.match(feedSignatureProblem(extra, release.publicKey)!, /evil\.exe is not signed/);

  const legacy: FeedInfo = { version: '1.2.3', path: 'evil.exe', sha512: sha('c') };
  assert.match(feedSignatureProblem(legacy, release.publicKey)!, /single-file form/);
  assert.match(
    feedSignatureProblem({ ...signedFeed(), path: 'evil.exe' }, release.publicKey)!,
    /single-file form/,
  );
});

test('a plain-http feed is refused at run time and when packaging', () => {
  const d = decideUpdater({
    isPackaged: true,
    platform: 'linux',
    feedUrl: 'http://updates.evil.example/',
    signing: signedBuild,
  });
  assert.equal(d.enabled, false);
  const problems = packagingProblems(
    { ESCROW_DESK_UNSIGNED: '1', ESCROW_DESK_UPDATE_URL: 'http://updates.evil.example/' },
    ['linux'],
  );
  assert.match(problems.join('\n'), /feed must be https/);
  const require = createRequire(import.meta.url);
  const path = require.resolve('../../electron-builder.config.cjs');
  const saved = process.env.ESCROW_DESK_UPDATE_URL;
  process.env.ESCROW_DESK_UPDATE_URL = 'http://updates.evil.example/';
  try {
    delete require.cache[path];
    assert.throws(() => require(path), /update feed must be https/);
  } finally {
    if (saved === undefined) delete process.env.ESCROW_DESK_UPDATE_URL;
    else process.env.ESCROW_DESK_UPDATE_URL = saved;
    delete require.cache[path];
  }
});

test('npm run dist stops with a clear message when signing configuration is absent', () => {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (/^(CSC_|WIN_CSC_|ESCROW_DESK_)/.test(k)) delete env[k];
  const r = spawnSync(process.execPath, ['scripts/dist.mjs', '--win'], { env, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to package win without signing configuration/);
  assert.match(r.stderr, /CSC_LINK/);
  assert.match(r.stderr, /ESCROW_DESK_UNSIGNED=1/);
  for (const target of ['mac', 'linux'] as const)
    assert.match(packagingProblems({}, [target]).join('\n'), /ESCROW_DESK_UPDATE_PUBLIC_KEY/);
});

test('the unsigned escape hatch builds, and that build never updates itself', () => {
  assert.deepEqual(packagingProblems({ ESCROW_DESK_UNSIGNED: '1' }, ['win', 'mac', 'linux']), []);
  const signing = readBuildSigning({
    escrowDesk: { unsigned: true, updatePublicKey: release.publicKey },
  });
  for (const platform of ['win32', 'darwin', 'linux'] as const)
    assert.equal(
      decideUpdater({ isPackaged: true, platform, feedUrl: null, signing }).enabled,
      false,
    );
  // A package.json without the build's signing settings counts as unsigned too.
  assert.equal(readBuildSigning({ name: 'escrow-desk' }).unsigned, true);
});

const dir = mkdtempSync(join(tmpdir(), 'desk-feed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('sign-update-feed signs what electron-builder wrote, and the desk accepts exactly that', async () => {
  const installer = 'Escrow Desk-1.2.3-mac-arm64.zip';
  writeFileSync(join(dir, installer), 'installer bytes');
  const { createHash } = await import('node:crypto');
  const sha512 = createHash('sha512').update('installer bytes').digest('base64');
  writeFileSync(
    join(dir, 'latest-mac.yml'),
    `version: 1.2.3\nfiles:\n  - url: ${installer}\n    sha512: ${sha512}\n    size: 15\npath: ${installer}\nsha512: ${sha512}\nreleaseDate: '2026-12-01T00:00:00.000Z'\n`,
  );
  await signFeeds(dir, release.privateKey, release.publicKey);
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(t: string): unknown };
  const info = yaml.load(readFileSync(join(dir, 'latest-mac.yml'), 'utf8')) as FeedInfo;
  assert.equal(info.path, undefined);
  assert.equal(feedSignatureProblem(info, release.publicKey), null);
  // A key pair that does not match is caught before publishing.
  writeFileSync(
    join(dir, 'latest-mac.yml'),
    `version: 1.2.3\nfiles:\n  - url: ${installer}\n    sha512: ${sha512}\n`,
  );
  await assert.rejects(signFeeds(dir, attacker.privateKey, release.publicKey), /key pair/);
});

test('the updater wiring verifies feeds before downloading and takes whole installers only', () => {
  const source = readFileSync(
    new URL('../../electron/main/autoUpdate.ts', import.meta.url),
    'utf8',
  );
  assert.match(source, /autoUpdater\.isUpdateSupported = /);
  assert.match(source, /disableWebInstaller = true/);
  assert.match(source, /disableDifferentialDownload = true/);
  const main = readFileSync(new URL('../../electron/main/main.ts', import.meta.url), 'utf8');
  assert.match(main, /startVerifiedAutoUpdate\(/);
});
