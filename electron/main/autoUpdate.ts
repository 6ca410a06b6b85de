import electronUpdater from 'electron-updater';

/**
 * Checks for updates through electron-updater. The feed is the `publish` entry of the packaging
 * config unless `ESCROW_DESK_UPDATE_URL` names another generic feed (staging, a mirror inside
 * a company network). Only packaged builds update; errors are logged, never shown as crashes.
 */
export function startAutoUpdate(
  feedUrl: string | null,
  log: (level: 'info' | 'error', message: string) => void,
): void {
  const { autoUpdater } = electronUpdater;
  if (feedUrl) autoUpdater.setFeedURL({ provider: 'generic', url: feedUrl });
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (err: Error) => log('error', `update check failed: ${err.message}`));
  autoUpdater.on('update-downloaded', (info: { version: string }) =>
    log('info', `update ${info.version} downloaded; installs on quit`),
  );
  autoUpdater
    .checkForUpdatesAndNotify()
    .catch((err: Error) => log('error', `update check failed: ${err.message}`));
}
