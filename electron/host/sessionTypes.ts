import type { Result } from '../../shared/errors.ts';
import type { MethodOutput } from '../../shared/contract/types.ts';

export type DeskUser = MethodOutput<'session.current'>['user'] & {};

/** Checks a username and password against the central server, which owns users and roles. */
export interface Authenticator {
  /** The central server this authenticator signs in against. */
  readonly serverUrl: string;
  signIn(username: string, password: string): Promise<Result<{ user: DeskUser; token: string }>>;
  /** Who a kept token belongs to, if it is still valid (a desk restarted while signed in). */
  resume(token: string): Promise<Result<DeskUser>>;
  /** Ends the session on the server (best effort: signing out never waits on the network). */
  signOut(token: string): Promise<void>;
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
