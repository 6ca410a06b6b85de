import type { Result } from '../../shared/errors.ts';
import type { MethodOutput } from '../../shared/contract/types.ts';

export type DeskUser = MethodOutput<'session.current'>['user'] & {};

/** Checks a username and password; the central server in production, demo accounts offline. */
export interface Authenticator {
  /** The central server this authenticator signs in against; absent for the offline demo. */
  readonly serverUrl?: string;
  signIn(username: string, password: string): Promise<Result<{ user: DeskUser; token: string }>>;
  /** Who a kept token belongs to, if it is still valid (a desk restarted while signed in). */
  resume?(token: string): Promise<Result<DeskUser>>;
}

/**
 * Where the API token rests between launches. The Electron shell keeps it with safeStorage
 * (and refuses to keep it at all without an OS secret store); web mode keeps it in memory.
 */
export interface TokenVault {
  save(token: string): Result<null>;
  load(): string | null;
  clear(): void;
}

export function memoryTokenVault(): TokenVault {
  let token: string | null = null;
  return {
    save(value) {
      token = value;
      return { ok: true, value: null };
    },
    load: () => token,
    clear() {
      token = null;
    },
  };
}
