import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  APP_ORIGIN,
  EXTERNAL_LINK_HOSTS,
  contentSecurityPolicy,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  isTrustedSender,
  secureWebPreferences,
  securityHeaders,
} from '../../electron/platform/securityPolicy.ts';

const FOREIGN_URLS = [
  'https://evil.example/',
  'http://127.0.0.1:8080/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'app://desk.evil.example/',
  'app://evil/',
  'https://desk/',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'not a url',
  '',
];

test('every window gets context isolation, the sandbox and no Node integration', () => {
  const prefs = secureWebPreferences('/app/preload.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.experimentalFeatures, false);
  assert.equal(prefs.preload, '/app/preload.cjs');
});

test('the CSP allows scripts only from the app itself: no eval, no inline, nothing remote', () => {
  for (const csp of [contentSecurityPolicy(), contentSecurityPolicy(['ws://127.0.0.1:4000'])]) {
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|wasm-unsafe-eval|\*|https?:/);
  }
  assert.match(
    contentSecurityPolicy(['ws://127.0.0.1:4000']),
    /connect-src 'self' ws:\/\/127\.0\.0\.1:4000/,
  );
  assert.equal(securityHeaders()['X-Content-Type-Options'], 'nosniff');
});

test('navigation stays inside app://desk; every foreign URL is refused', () => {
  assert.equal(decideNavigation(`${APP_ORIGIN}/`), 'allow');
  assert.equal(decideNavigation(`${APP_ORIGIN}/orders/DEMO-1001`), 'allow');
  for (const url of FOREIGN_URLS) assert.equal(decideNavigation(url), 'deny', url);
});

test('window.open never opens an Electron window; only allow-listed https links go to the browser', () => {
  for (const url of [...FOREIGN_URLS, `${APP_ORIGIN}/`]) {
    assert.deepEqual(decideWindowOpen(url), { action: 'deny', openExternal: null }, url);
  }
  const host = EXTERNAL_LINK_HOSTS[0]!;
  assert.deepEqual(decideWindowOpen(`https://${host}/track?no=SF1`), {
    action: 'deny',
    openExternal: `https://${host}/track?no=SF1`,
  });
  // Look-alikes and tricks around the allow-list.
  for (const url of [
    `http://${host}/`,
    `https://${host}.evil.example/`,
    `https://evil.example/${host}`,
    `https://user:pw@${host}/`,
    `https://evil.example@${host}:444/`,
    `https://${host}:8443/`,
    `javascript://${host}/%0aalert(1)`,
  ]) {
    assert.equal(decideWindowOpen(url).openExternal, null, url);
  }
});

test('every permission request is denied', () => {
  for (const p of [
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'openExternal',
    'hid',
    'usb',
    'unknown',
  ]) {
    assert.equal(decidePermission(p), false, p);
  }
});

test('IPC is answered only for the top frame of the app page', () => {
  assert.equal(isTrustedSender({ url: `${APP_ORIGIN}/`, isMainFrame: true }), true);
  assert.equal(isTrustedSender({ url: `${APP_ORIGIN}/`, isMainFrame: false }), false);
  assert.equal(isTrustedSender(null), false);
  for (const url of FOREIGN_URLS)
    assert.equal(isTrustedSender({ url, isMainFrame: true }), false, url);
});

test('the Electron entry wires every policy into Electron and adds no other exposure', () => {
  const main = readFileSync(new URL('../../electron/main/main.ts', import.meta.url), 'utf8');
  for (const wiring of [
    'requestSingleInstanceLock()',
    'secureWebPreferences(',
    "contents.on('will-navigate'",
    "contents.on('will-redirect'",
    'contents.setWindowOpenHandler(',
    "contents.on('will-attach-webview'",
    'setPermissionRequestHandler(',
    'setPermissionCheckHandler(',
    'isTrustedSender(',
    'protocol.handle(APP_SCHEME',
    'securityHeaders()',
    'safeStorageVault(safeStorage',
    'crashReporter.start(',
    "app.getPath('logs')",
  ]) {
    assert.ok(main.includes(wiring), `main.ts must use ${wiring}`);
  }
  assert.doesNotMatch(main, /nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false/);
  assert.doesNotMatch(main, /webSecurity:\s*false|allowRunningInsecureContent:\s*true/);

  const preload = readFileSync(
    new URL('../../electron/preload/preload.ts', import.meta.url),
    'utf8',
  );
  const exposed = [...preload.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(exposed, ['desk'], 'the preload exposes exactly one object');
  assert.doesNotMatch(preload, /exposeInMainWorld\(\s*'[^']+'\s*,\s*ipcRenderer\b/);
});
