import {
  BrowserWindow,
  Menu,
  app,
  crashReporter,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import type { MenuItemConstructorOptions, WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_CALL, IPC_EVENT } from '../../shared/contract/ipcChannels.ts';
import { parseCall } from '../../shared/contract/validate.ts';
import { fail } from '../../shared/errors.ts';
import { createDeskHost } from '../host/deskHost.ts';
import type { DeskHost } from '../host/deskHost.ts';
import { serverAuthenticator } from '../host/serverAuthenticator.ts';
import { mimeFor, pickEntryPage, resolveAsset } from '../platform/appAssets.ts';
import { menuTemplate } from './appMenu.ts';
import type { MenuLocale } from './appMenu.ts';
import { startVerifiedAutoUpdate } from './autoUpdate.ts';
import { createFileLog } from '../host/fileLog.ts';
import { preparePrivateDataDir, restrictUmask } from '../platform/privateFiles.ts';
import { runtimeOverrides } from './runtimeOverrides.ts';
import { showDesktopNotice } from './desktopNotice.ts';
import { savePdf } from './savePdf.ts';
import { runOnlyConsent, safeStorageVault } from './secretStore.ts';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  isTrustedSender,
  secureWebPreferences,
  securityHeaders,
} from '../platform/securityPolicy.ts';
import { loadWindowState, restoreBounds, saveWindowState } from './windowState.ts';

/**
 * The Electron main process: windows, menu, security wiring and the updater. Everything the
 * desk does runs in the core worker behind `DeskHost`; every decision about what is allowed
 * comes from securityPolicy.ts. Bundled to dist/electron/main.cjs beside preload.cjs,
 * coreWorker.cjs and ../renderer/.
 */

const here = __dirname;
const rendererDir = join(here, '..', 'renderer');

// Must happen before `ready`: the app scheme behaves like https (standard, secure origin).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
// Environment overrides count only in development runs (runtimeOverrides.ts); a bad one stops
// the desk with the reason. A separate profile is set before anything reads userData.
const overrides = runtimeOverrides(process.env, app.isPackaged);
if (overrides.refused.length > 0) {
  dialog.showErrorBox('Escrow Desk', overrides.refused.join('\n'));
  process.exit(2);
}
if (overrides.userDataDir) app.setPath('userData', overrides.userDataDir);
app.setAppLogsPath();
// The data folder is the user's alone: 0700, and every file created in it 0600 (POSIX).
restrictUmask();
preparePrivateDataDir(app.getPath('userData'));
crashReporter.start({ uploadToServer: false });

const log = createFileLog(app.getPath('logs'));
if (overrides.ignored.length > 0)
  log.write('warn', `packaged build: ignored ${overrides.ignored.join(', ')}`);
process.on('uncaughtException', (err) =>
  log.write('error', `uncaught: ${err.stack ?? err.message}`),
);
process.on('unhandledRejection', (err) =>
  log.write('error', `unhandled rejection: ${String(err)}`),
);

if (!app.requestSingleInstanceLock()) {
  // A second launch just focuses the first window (see 'second-instance').
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let host: DeskHost | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (decideNavigation(url) === 'deny') event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (decideNavigation(url) === 'deny') event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternal) void shell.openExternal(decision.openExternal);
      return { action: decision.action };
    });
  });

  app.on('render-process-gone', (_e, _wc, details) =>
    log.write('error', `renderer gone: ${details.reason} (${details.exitCode})`),
  );
  app.on('child-process-gone', (_e, details) =>
    log.write('error', `${details.type} process gone: ${details.reason} (${details.exitCode})`),
  );

  void app.whenReady().then(async () => {
    const entryPage = pickEntryPage(rendererDir);
    const userData = app.getPath('userData');
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(decidePermission(permission)),
    );
    session.defaultSession.setPermissionCheckHandler((_wc, permission) =>
      decidePermission(permission),
    );

    protocol.handle(APP_SCHEME, async (request) => {
      const url = new URL(request.url);
      const file =
        url.host === APP_HOST ? resolveAsset(rendererDir, url.pathname, entryPage) : null;
      if (!file) return new Response('not found', { status: 404, headers: securityHeaders() });
      return new Response(await readFile(file), {
        headers: { 'Content-Type': mimeFor(file), ...securityHeaders() },
      });
    });

    const serverUrl = overrides.serverUrl;
    const vault = safeStorageVault(safeStorage, join(userData, 'token.bin'), process.platform);
    host = createDeskHost({
      core: {
        workerEntry: pathToFileURL(join(here, 'coreWorker.cjs')),
        workerData: {
          dataDir: userData,
          ...(overrides.nativeBinding ? { nativeBinding: overrides.nativeBinding } : {}),
        },
      },
      settingsFile: join(userData, 'settings.json'),
      authenticatorFor: (settings) => {
        const url = settings.serverUrl ?? serverUrl;
        return url ? serverAuthenticator(url) : null;
      },
      vault,
      log: (level, message) => log.write(level, message),
    });
    const deskHost = host;

    ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown) => {
      const frame = event.senderFrame;
      const trusted = isTrustedSender(
        frame ? { url: frame.url, isMainFrame: frame === event.sender.mainFrame } : null,
      );
      if (!trusted) {
        log.write('warn', `refused IPC from ${frame?.url ?? 'a destroyed frame'}`);
        return fail('forbidden', 'calls are accepted only from the desk page');
      }
      // The window's own work: an OS notification the page composed (the desk's sound, if on,
      // is the page's own, so this one stays silent).
      if (method === 'shell.notify') {
        const call = parseCall(method, input);
        if (!call.ok) return call;
        const win = BrowserWindow.fromWebContents(event.sender);
        return showDesktopNotice(call.value.input as { title: string; body: string }, () => {
          if (win && !win.isDestroyed()) {
            if (win.isMinimized()) win.restore();
            win.focus();
          }
        });
      }
      // The window's own work: print this page to a PDF file the user picks.
      if (method === 'print.savePdf') {
        const call = parseCall(method, input);
        if (!call.ok) return call;
        const win = BrowserWindow.fromWebContents(event.sender);
        if (!win) return fail('unavailable', 'the window has closed');
        return savePdf(
          event.sender,
          {
            choosePath: async (defaultPath) => {
              const r = await dialog.showSaveDialog(win, {
                defaultPath,
                filters: [{ name: 'PDF', extensions: ['pdf'] }],
              });
              return r.canceled || !r.filePath ? null : r.filePath;
            },
          },
          app.getPath('documents'),
          (call.value.input as { fileName: string }).fileName,
        );
      }
      // Without a keyring, sign-in keeps the token for this run only if the user said so.
      const result =
        method === 'session.signIn'
          ? await vault.withRunOnlyConsent(runOnlyConsent(input), () =>
              deskHost.call(method, input),
            )
          : await deskHost.call(method, input);
      // The menu speaks the desk's language: relabel it when the user switches.
      if (method === 'settings.set' && result.ok)
        setMenu((result.value as { locale: MenuLocale }).locale);
      return result;
    });
    deskHost.subscribe((topic, payload) => {
      for (const win of BrowserWindow.getAllWindows()) {
        if (
          !win.isDestroyed() &&
          isTrustedSender({ url: win.webContents.getURL(), isMainFrame: true })
        ) {
          win.webContents.send(IPC_EVENT, topic, payload);
        }
      }
    });

    const settings = await deskHost.call('settings.get', {});
    const locale = settings.ok ? (settings.value as { locale: MenuLocale }).locale : 'zh-CN';
    setMenu(locale);

    mainWindow = createWindow(join(userData, 'window-state.json'));
    startVerifiedAutoUpdate({
      isPackaged: app.isPackaged,
      platform: process.platform,
      feedUrl: overrides.updateFeedUrl,
      appPath: app.getAppPath(),
      log: (l, m) => log.write(l, m),
    });
  });

  function setMenu(locale: MenuLocale): void {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(withClicks(menuTemplate(locale, process.platform, !app.isPackaged))),
    );
  }

  function withClicks(items: ReturnType<typeof menuTemplate>): MenuItemConstructorOptions[] {
    return items.map((item) => {
      const out = {
        ...item,
        submenu: item.submenu ? withClicks(item.submenu) : undefined,
      } as MenuItemConstructorOptions;
      if (item.id === 'go-orders') out.click = () => void mainWindow?.loadURL(`${APP_ORIGIN}/`);
      if (item.id === 'sync-now') out.click = () => void host?.call('sync.now', {});
      if (item.id === 'open-help') {
        out.click = () => {
          const decision = decideWindowOpen('https://help.escrow-desk.example/');
          if (decision.openExternal) void shell.openExternal(decision.openExternal);
        };
      }
      return out;
    });
  }

  function createWindow(stateFile: string): BrowserWindow {
    const saved = loadWindowState(stateFile);
    const bounds = restoreBounds(
      saved,
      screen.getAllDisplays().map((d) => d.workArea),
    );
    const win = new BrowserWindow({
      ...bounds,
      minWidth: 800,
      minHeight: 560,
      show: false,
      title: 'Escrow Desk',
      webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
    });
    if (saved?.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    const remember = () => {
      if (win.isDestroyed()) return;
      saveWindowState(stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    };
    win.on('close', remember);
    void win.loadURL(`${APP_ORIGIN}/`);
    return win;
  }

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!host) return;
    // Let the worker finish and close the database before the process goes.
    event.preventDefault();
    const closing = host;
    host = null;
    void closing.close().finally(() => app.quit());
  });
}
