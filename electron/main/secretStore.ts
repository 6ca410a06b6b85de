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

/**
 * Keeps the API token encrypted with the OS secret store (Keychain, DPAPI, libsecret). Without
 * one the token is kept for this run only and saving reports `unavailable`: the desk never
 * writes a bearer token to disk in plain text.
 */
export function safeStorageVault(
  storage: SafeStorageLike,
  file: string,
  platform: NodeJS.Platform,
): TokenVault {
  let memory: string | null = null;
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
        memory = null;
        return fail(
          'unavailable',
          'no OS secret store: the desk will not keep the sign-in token in plain text',
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
  };
}
