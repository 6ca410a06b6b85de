import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail, ok } from '../../shared/errors.ts';
import type { TokenVault } from '../host/sessionTypes.ts';

/** The part of Electron's `safeStorage` the vault uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/**
 * Whether safeStorage really protects secrets here. On Linux without a keyring Electron falls
 * back to `basic_text`, a hard-coded key: that is plain text in disguise, so it counts as no
 * secret store.
 */
export function secretStoreUsable(
  platform: NodeJS.Platform,
  encryptionAvailable: boolean,
  backend: string | null,
): boolean {
  if (!encryptionAvailable) return false;
  if (
    platform === 'linux' &&
    (backend === null || backend === 'basic_text' || backend === 'unknown')
  )
    return false;
  return true;
}

/** A token vault that can also keep the token for this run only, when the user agrees to. */
export interface SafeStorageVault extends TokenVault {
  /**
   * Runs one sign-in with the user's answer to "keep me signed in for this run only" (the
   * contract's `rememberForRunOnly`). Sign-ins run one at a time, so one answer never leaks
   * into another sign-in.
   */
  withRunOnlyConsent<T>(consent: boolean, run: () => Promise<T>): Promise<T>;
}

/** The sign-in input's `rememberForRunOnly`, read before the host has parsed the input. */
export function runOnlyConsent(input: unknown): boolean {
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as { rememberForRunOnly?: unknown }).rememberForRunOnly === true
  );
}

/**
 * Keeps the API token encrypted with the OS secret store (Keychain, DPAPI, libsecret). Without
 * one (Linux with no keyring: `basic_text`), saving answers `secret_store_unavailable` so the
 * sign-in view can ask whether to keep the session for this run only; with that consent the
 * token is held in memory and gone when the desk quits. The desk never writes a bearer token
 * to disk in plain text.
 */
export function safeStorageVault(
  storage: SafeStorageLike,
  file: string,
  platform: NodeJS.Platform,
): SafeStorageVault {
  let memory: string | null = null;
  let consent = false;
  let queue: Promise<unknown> = Promise.resolve();
  const usable = () =>
    secretStoreUsable(
      platform,
      storage.isEncryptionAvailable(),
      // getSelectedStorageBackend is Linux-only in Electron; elsewhere the OS store is built in.
      platform === 'linux' ? (storage.getSelectedStorageBackend?.() ?? null) : 'os',
    );
  return {
    save(token) {
      if (!usable()) {
        // Nothing from an earlier run may linger beside a run-only session.
        rmSync(file, { force: true });
        if (consent) {
          memory = token;
          return ok(null);
        }
        memory = null;
        return fail(
          'secret_store_unavailable',
          'no OS secret store (keyring): the desk will not keep the sign-in token in plain text; sign in for this run only instead',
        );
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, storage.encryptString(token), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      memory = token;
      return ok(null);
    },
    load() {
      if (memory !== null) return memory;
      if (!usable() || !existsSync(file)) return null;
      try {
        memory = storage.decryptString(readFileSync(file));
        return memory;
      } catch {
        return null;
      }
    },
    clear() {
      memory = null;
      rmSync(file, { force: true });
    },
    withRunOnlyConsent(answer, run) {
      const next = queue.then(async () => {
        consent = answer;
        try {
          return await run();
        } finally {
          consent = false;
        }
      });
      queue = next.catch(() => {});
      return next;
    },
  };
}
