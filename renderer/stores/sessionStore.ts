import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';

export type DeskUser = MethodOutput<'session.current'>['user'];

export interface SessionState {
  phase: 'checking' | 'signed_out' | 'signing_in' | 'signed_in';
  user: DeskUser;
  /** The last refusal (its code picks the human message; the raw message is for support). */
  error: ErrorInfo | null;
  /**
   * The desk has no OS secret store (Linux without a keyring): the view asks whether to keep
   * the session for this run only, and signs in again with `rememberForRunOnly`.
   */
  offerRunOnly: boolean;
  /** The desk has no central server address yet (`server_required`): the view asks for one. */
  needsServer: boolean;
  restore(): Promise<void>;
  /** Saves the server address (https, or http on loopback); false with `error` set if refused. */
  setServer(serverUrl: string): Promise<boolean>;
  signIn(username: string, password: string, rememberForRunOnly?: boolean): Promise<boolean>;
  signOut(): Promise<void>;
}

/**
 * Who is signed in. The session itself lives in the desk host (it survives a reload and a core
 * restart), so this store only mirrors it: `restore` asks the host on start.
 */
export function createSessionStore(desk: DeskApi, onSignedOut: () => void = () => {}) {
  return createStore<SessionState>()((set) => ({
    phase: 'checking',
    user: null,
    error: null,
    offerRunOnly: false,
    needsServer: false,
    async setServer(serverUrl) {
      const r = await desk.settings.set({ serverUrl });
      if (!r.ok) {
        set({ error: r.error });
        return false;
      }
      set({ needsServer: false, error: null });
      return true;
    },
    async restore() {
      const r = await desk.session.current({});
      set(
        r.ok && r.value.user
          ? { phase: 'signed_in', user: r.value.user, error: null }
          : { phase: 'signed_out', user: null },
      );
    },
    async signIn(username, password, rememberForRunOnly = false) {
      set({ phase: 'signing_in', error: null, offerRunOnly: false });
      const r = await desk.session.signIn(
        rememberForRunOnly ? { username, password, rememberForRunOnly } : { username, password },
      );
      if (!r.ok) {
        const offerRunOnly = r.error.code === 'secret_store_unavailable';
        set({
          phase: 'signed_out',
          user: null,
          error: offerRunOnly ? null : r.error,
          offerRunOnly,
          needsServer: r.error.code === 'server_required',
        });
        return false;
      }
      set({ phase: 'signed_in', user: r.value.user, error: null, offerRunOnly: false });
      return true;
    },
    async signOut() {
      await desk.session.signOut({});
      set({ phase: 'signed_out', user: null, error: null });
      // Nothing of this user's lists, open panels or notices may outlive them on this screen.
      onSignedOut();
    },
  }));
}

export type SessionStore = ReturnType<typeof createSessionStore>;
