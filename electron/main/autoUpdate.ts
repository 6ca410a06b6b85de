import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import electronUpdater from 'electron-updater';
import { decideUpdater, readBuildSigning } from './updatePolicy.ts';
import type { UpdaterDecision } from './updatePolicy.ts';
import { feedSignatureProblem } from './updateSignature.ts';
import type { FeedInfo } from './updateSignature.ts';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/**
 * Checks for updates through electron-updater, only when updatePolicy.ts says the update can
 * be verified. The feed is the `publish` entry of the packaging config (https, checked when
 * packaging). Errors are logged, never shown as crashes.
 */
export function startVerifiedAutoUpdate(options: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  feedUrl: string | null;
  /** `app.getAppPath()`: the packaged package.json carries the build's signing settings. */
  appPath: string;
  log: Log;
}): UpdaterDecision {
  let packageJson: unknown = null;
  try {
    packageJson = JSON.parse(readFileSync(join(options.appPath, 'package.json'), 'utf8'));
  } catch {
    // No readable package.json: readBuildSigning treats it as unsigned.
  }
  const decision = decideUpdater({ ...options, signing: readBuildSigning(packageJson) });
  if (!decision.enabled) options.log('warn', `updates off: ${decision.reason}`);
  else startAutoUpdate(decision, options.log);
  return decision;
}

function startAutoUpdate(decision: UpdaterDecision & { enabled: true }, log: Log): void {
  const { autoUpdater } = electronUpdater;
  if (decision.feedUrl) autoUpdater.setFeedURL({ provider: 'generic', url: decision.feedUrl });
  // Only whole installers whose sha512 the signed feed names: no web-installer packages and
  // no installer rebuilt from blocks of the old one.
  autoUpdater.disableWebInstaller = true;
  autoUpdater.disableDifferentialDownload = true;
  autoUpdater.allowDowngrade = false;
  const publicKey = decision.publicKey;
  if (publicKey) {
    // Runs on the feed before anything is downloaded; electron-updater then checks the
    // download against the signed sha512.
    autoUpdater.isUpdateSupported = (info) => {
      const problem = feedSignatureProblem(info as unknown as FeedInfo, publicKey);
      if (problem) log('error', `update ${String(info.version).slice(0, 40)} refused: ${problem}`);
      return problem === null;
    };
  }
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
