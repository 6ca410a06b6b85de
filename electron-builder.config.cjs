// Packaging for Windows (NSIS, per user, x64 + arm64) and macOS (dmg + zip, hardened runtime,
// notarized when Apple credentials are in the environment). `npm run dist` builds the app and
// runs electron-builder with this file; see README "Packaging".

const { packagingSigning } = require('./scripts/packagingPolicy.cjs');

/**
 * Signing settings from the packaging environment (scripts/packagingPolicy.cjs; `npm run dist`
 * refuses to build without them unless ESCROW_DESK_UNSIGNED=1). The packaged desk reads them
 * back from its package.json (`escrowDesk`) to decide how updates are verified.
 */
const signing = packagingSigning(process.env);
if (!signing.feedUrl.startsWith('https://')) {
  throw new Error(`the update feed must be https, not ${signing.feedUrl} (ESCROW_DESK_UPDATE_URL)`);
}

/** Notarization needs one of electron-builder's credential sets (see its `mac.notarize`). */
const canNotarize = Boolean(
  (process.env.APPLE_API_KEY && process.env.APPLE_API_KEY_ID && process.env.APPLE_API_ISSUER) ||
  (process.env.APPLE_ID && process.env.APPLE_APP_SPECIFIC_PASSWORD && process.env.APPLE_TEAM_ID) ||
  (process.env.APPLE_KEYCHAIN && process.env.APPLE_KEYCHAIN_PROFILE),
);

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'com.escrowdesk.desk',
  productName: 'Escrow Desk',
  copyright: 'Copyright © Escrow Desk',
  directories: { output: 'release', buildResources: 'build' },
  extraMetadata: {
    main: 'dist/electron/main.cjs',
    escrowDesk: {
      updatePublicKey: signing.updatePublicKey,
      winPublisherName: signing.winPublisherName,
      unsigned: signing.unsigned,
    },
  },
  files: [
    'package.json',
    'dist/electron/**/*',
    'dist/renderer/**/*',
    '!**/*.map',
    // Bundled by esbuild/Vite or used only by the central API and `npm start`: not shipped.
    '!node_modules/@electric-sql/**',
    '!node_modules/fastify/**',
    '!node_modules/@fastify/**',
    '!node_modules/pg/**',
    '!node_modules/react/**',
    '!node_modules/react-dom/**',
  ],
  asar: true,
  // A native addon cannot be loaded from inside an asar archive.
  asarUnpack: ['node_modules/better-sqlite3/**/*', 'node_modules/bindings/**/*'],
  // electron-builder rebuilds better-sqlite3 for Electron's ABI while packaging;
  // scripts/dist.mjs rebuilds it for Node again afterwards so the Node tests keep working.
  npmRebuild: true,
  buildDependenciesFromSource: false,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    artifactName: '${productName}-${version}-win-${arch}.${ext}',
    // A signed build that comes out unsigned is an error, not a warning.
    forceCodeSigning: !signing.unsigned,
    // electron-updater checks a downloaded installer's Authenticode publisher against this.
    ...(signing.winPublisherName
      ? { signtoolOptions: { publisherName: signing.winPublisherName } }
      : {}),
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowElevation: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    deleteAppDataOnUninstall: false,
  },
  mac: {
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ],
    category: 'public.app-category.finance',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.inherit.plist',
    notarize: canNotarize,
    forceCodeSigning: !signing.unsigned,
    artifactName: '${productName}-${version}-mac-${arch}.${ext}',
  },
  dmg: { sign: false },
  // electron-updater reads this feed (app-update.yml); ESCROW_DESK_UPDATE_URL points a build at
  // another one (staging, a mirror inside a company network). https only.
  publish: { provider: 'generic', url: signing.feedUrl, channel: 'latest' },
};
