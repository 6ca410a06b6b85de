import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);

interface BuilderConfig {
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  win: { target: Array<{ target: string; arch: string[] }> };
  nsis: { perMachine: boolean; oneClick: boolean };
  mac: {
    target: Array<{ target: string; arch: string[] }>;
    hardenedRuntime: boolean;
    entitlements: string;
    entitlementsInherit: string;
    notarize: boolean;
  };
  publish: { provider: string; url: string };
  extraMetadata: { main: string };
}

function loadConfig(env: Record<string, string | undefined> = {}): BuilderConfig {
  const path = require.resolve('../../electron-builder.config.cjs');
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    delete require.cache[path];
    return require(path) as BuilderConfig;
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

test("the packaging config passes electron-builder's own schema validation", async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as {
    DebugLogger: new (enabled: boolean) => unknown;
  };
  await validateConfiguration(loadConfig(), new DebugLogger(false));
  // The validator itself is live: a misspelt key is refused.
  await assert.rejects(
    validateConfiguration({ ...loadConfig(), asarUnpak: [] }, new DebugLogger(false)),
  );
});

test('Electron fuses close RunAsNode, NODE_OPTIONS and inspect flags, and lock the app to its asar', () => {
  const fuses = loadConfig().electronFuses;
  assert.equal(fuses.runAsNode, false);
  assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(fuses.enableNodeCliInspectArguments, false);
  assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(fuses.onlyLoadAppFromAsar, true);
  assert.equal(fuses.enableCookieEncryption, true);
});

test('Windows builds a per-user NSIS installer for x64 and arm64', () => {
  const config = loadConfig();
  assert.deepEqual(config.win.target, [{ target: 'nsis', arch: ['x64', 'arm64'] }]);
  assert.equal(config.nsis.perMachine, false);
});

test('macOS builds dmg and zip with the hardened runtime, entitlements from build/, notarized only with credentials', () => {
  const config = loadConfig({
    APPLE_ID: undefined,
    APPLE_API_KEY: undefined,
    APPLE_KEYCHAIN: undefined,
  });
  assert.deepEqual(
    config.mac.target.map((t) => t.target),
    ['dmg', 'zip'],
  );
  assert.equal(config.mac.hardenedRuntime, true);
  assert.equal(config.mac.notarize, false);
  for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
    assert.match(file, /^build\//);
    const plist = readFileSync(new URL(file, root), 'utf8');
    assert.match(plist, /com\.apple\.security\.cs\.allow-jit/);
    assert.doesNotMatch(
      plist,
      /disable-library-validation|allow-unsigned-executable-memory|device\.camera/,
    );
  }
  const withKeys = loadConfig({
    APPLE_ID: 'a@b.c',
    APPLE_APP_SPECIFIC_PASSWORD: 'x',
    APPLE_TEAM_ID: 'T',
  });
  assert.equal(withKeys.mac.notarize, true);
});

test('better-sqlite3 is unpacked from asar and the updater feed is configurable', () => {
  const config = loadConfig();
  assert.ok(config.asarUnpack.some((p) => p.startsWith('node_modules/better-sqlite3/')));
  assert.equal(config.extraMetadata.main, 'dist/electron/main.cjs');
  assert.equal(config.publish.provider, 'generic');
  assert.equal(
    loadConfig({ ESCROW_DESK_UPDATE_URL: 'https://mirror.example/desk' }).publish.url,
    'https://mirror.example/desk',
  );
});

test('no install hook rebuilds node_modules for Electron (the Node tests need the Node ABI)', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    scripts: Record<string, string>;
  };
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.doesNotMatch(
      pkg.scripts[hook] ?? '',
      /electron-builder|electron-rebuild|install-app-deps/,
      hook,
    );
  }
  assert.ok(existsSync(new URL('scripts/dist.mjs', root)));
});

test('the build carries its signing settings: publisherName, update key, forced code signing', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const publicKey = generateKeyPairSync('ed25519')
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const signed = loadConfig({
    ESCROW_DESK_UNSIGNED: undefined,
    ESCROW_DESK_WIN_PUBLISHER_NAME: 'Escrow Desk Ltd',
    ESCROW_DESK_UPDATE_PUBLIC_KEY: publicKey,
  }) as unknown as BuilderConfig & {
    win: { forceCodeSigning: boolean; signtoolOptions: { publisherName: string } };
    mac: { forceCodeSigning: boolean };
    extraMetadata: { escrowDesk: Record<string, unknown> };
  };
  assert.equal(signed.win.signtoolOptions.publisherName, 'Escrow Desk Ltd');
  assert.equal(signed.win.forceCodeSigning, true);
  assert.equal(signed.mac.forceCodeSigning, true);
  assert.deepEqual(signed.extraMetadata.escrowDesk, {
    updatePublicKey: publicKey,
    winPublisherName: 'Escrow Desk Ltd',
    unsigned: false,
  });
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as {
    DebugLogger: new (enabled: boolean) => unknown;
  };
  await validateConfiguration(signed, new DebugLogger(false));

  const unsigned = loadConfig({ ESCROW_DESK_UNSIGNED: '1' }) as unknown as {
    win: { forceCodeSigning: boolean };
    extraMetadata: { escrowDesk: { unsigned: boolean } };
  };
  assert.equal(unsigned.win.forceCodeSigning, false);
  assert.equal(unsigned.extraMetadata.escrowDesk.unsigned, true);
});
