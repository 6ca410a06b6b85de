import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The desk's data folder holds a replica of the user's orders and ledger, the outbox, settings,
 * the (encrypted) sign-in token and logs: other accounts on the machine must not read it. On
 * POSIX the folder is 0700 and its files 0600. Windows keeps the profile folder's ACLs (the
 * user's own %APPDATA% is already private); this module does nothing there.
 *
 * Plain Node, no Electron: the main process, web mode, the core host and the core worker can
 * all import it.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** The umask that makes whatever this process creates (SQLite's -wal/-shm, temp files) private. */
export const PRIVATE_UMASK = 0o077;

const posix = (platform: NodeJS.Platform) => platform !== 'win32';

/**
 * Every file and folder this process creates from now on is private to the user, including
 * those written by code that passes no mode (SQLite, settings and token writes, Chromium's
 * profile files). Call it first thing in a process's entry point.
 */
export function restrictUmask(platform: NodeJS.Platform = process.platform): void {
  if (posix(platform)) process.umask(PRIVATE_UMASK);
}

/**
 * Creates the folder (and missing parents) and makes it 0700 — also when it already existed
 * with looser bits from an older desk, since mkdir's mode applies only to new folders.
 */
export function ensurePrivateDir(path: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (posix(platform)) chmodSync(path, PRIVATE_DIR_MODE);
}

/**
 * Makes sure a file another library will open (a SQLite database) exists as 0600 before it is
 * opened: SQLite creates files 0644 and gives its -wal and -shm files the main file's mode.
 * An empty file is a valid new SQLite database.
 */
export function ensurePrivateFile(
  path: string,
  platform: NodeJS.Platform = process.platform,
): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  if (posix(platform)) chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Tightens what an older desk left behind: every folder under `dir` to 0700 and every regular
 * file to 0600. Symbolic links are neither followed nor changed. Returns how many entries
 * were changed.
 */
export function tightenPrivateTree(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): number {
  if (!posix(platform)) return 0;
  let changed = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) {
        chmodSync(current, PRIVATE_DIR_MODE);
        changed++;
      }
      for (const name of readdirSync(current)) pending.push(join(current, name));
    } else if (stat.isFile() && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) {
      chmodSync(current, PRIVATE_FILE_MODE);
      changed++;
    }
  }
  return changed;
}

/** The data folder as a whole: created private, and anything already in it tightened. */
export function preparePrivateDataDir(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): number {
  ensurePrivateDir(dir, platform);
  return tightenPrivateTree(dir, platform);
}
