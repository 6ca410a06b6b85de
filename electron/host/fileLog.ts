import { appendFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, ensurePrivateDir } from '../platform/privateFiles.ts';

const MAX_LOG_BYTES = 5 * 1024 * 1024;

/**
 * An append-only log in the user's log folder (Electron's `app.getPath('logs')`), rotated once
 * at 5 MB, in a 0700 folder as a 0600 file. Synchronous on purpose: the lines that matter most are written just before a crash.
 */
export function createFileLog(dir: string, name = 'desk.log') {
  ensurePrivateDir(dir);
  const file = join(dir, name);
  return {
    file,
    write(level: 'info' | 'warn' | 'error', message: string): void {
      try {
        if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) {
          renameSync(file, `${file}.1`);
        }
        appendFileSync(file, `${new Date().toISOString()} ${level.toUpperCase()} ${message}\n`, {
          mode: PRIVATE_FILE_MODE,
        });
      } catch {
        // Logging must never take the app down with it.
      }
    },
  };
}
