import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodOutput } from '../../shared/contract/types.ts';

export type DeskUser = MethodOutput<'session.current'>['user'];

export interface SessionState {
  phase: 'checking' | 'signed_out' | 'signing_in' | 'signed_in';
  user: DeskUser;
  error: string | null;
  restore(): Promise<void>;
  signIn(username: string, password: string): Promise<boolean>;
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
    async restore() {
      const r = await desk.session.current({});
      set(
        r.ok && r.value.user
          ? { phase: 'signed_in', user: r.value.user, error: null }
          : { phase: 'signed_out', user: null },
      );
    },
    async signIn(username, password) {
      set({ phase: 'signing_in', error: null });
      const r = await desk.session.signIn({ username, password });
      if (!r.ok) {
        set({ phase: 'signed_out', user: null, error: r.error.message });
        return false;
      }
      set({ phase: 'signed_in', user: r.value.user, error: null });
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
