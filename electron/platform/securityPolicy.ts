/**
 * Every security decision of the Electron shell, as plain data and pure functions, so a Node
 * test can read exactly what the app enforces without the Electron binary. `main.ts` only wires
 * these into Electron's hooks.
 */

/** The renderer is served from this privileged, standard, secure custom scheme. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The webPreferences of every window. Anything not listed keeps Electron's secure default. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/**
 * The CSP of every page, in Electron and in web mode. Scripts only from the app itself (no
 * eval, no inline, nothing remote); `connect-src` names the web-mode socket when there is one.
 */
export function contentSecurityPolicy(extraConnectSrc: readonly string[] = []): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...extraConnectSrc]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['object-src', ["'none'"]],
    // pdf.js draws PDF evidence in a worker of its own, and the CSV reader parses in a Web
    // Worker; both are built into the app and served like every script (never blob or remote).
    ['worker-src', ["'self'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Headers sent with every page and asset. */
export function securityHeaders(extraConnectSrc: readonly string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(extraConnectSrc),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/**
 * Sites the desk may open in the user's browser (carrier tracking, help). Exact host names:
 * no wildcards, https only, default port, no credentials in the URL.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  'www.sf-express.com',
  'www.ems.com.cn',
  'www.yto.net.cn',
  'www.zto.com',
  'help.escrow-desk.example',
];

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** In-window navigation: only within the app's own pages. */
export function decideNavigation(url: string): 'allow' | 'deny' {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/**
 * `window.open` and target=_blank: never a new Electron window. An allow-listed external link
 * is handed to the OS browser as the normalised URL string (never the raw input).
 */
export function decideWindowOpen(url: string): { action: 'deny'; openExternal: string | null } {
  const parsed = parse(url);
  const allowed =
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    EXTERNAL_LINK_HOSTS.includes(parsed.hostname);
  return { action: 'deny', openExternal: allowed ? parsed.href : null };
}

/** Camera, microphone, geolocation, notifications…: the desk needs none of them. */
export function decidePermission(_permission: string): boolean {
  return false;
}

/**
 * IPC is answered only for the app's own top-level page: not a subframe, not a page that
 * somehow navigated elsewhere, not a frame that has gone away.
 */
export function isTrustedSender(frame: { url: string; isMainFrame: boolean } | null): boolean {
  return frame !== null && frame.isMainFrame && isAppUrl(frame.url);
}
