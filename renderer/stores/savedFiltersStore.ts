import { createStore } from 'zustand/vanilla';
import type { OrderFilters } from './orderListStore.ts';
import type { SessionStore } from './sessionStore.ts';

export interface SavedFilter {
  name: string;
  filters: OrderFilters;
}

const KEY_PREFIX = 'escrow-desk.saved-order-filters.';
const MAX_SAVED = 20;

function load(key: string): SavedFilter[] {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as SavedFilter[]).slice(0, MAX_SAVED) : [];
  } catch {
    return [];
  }
}

/**
 * The seller's named order filters ("今天待发货的红旗单"), kept on this computer: a view of
 * the list, not data, so nothing about them syncs. They are kept per signed-in user, because
 * shops share one computer between shifts and a filter can name a buyer or an order: the next
 * user sees their own, and nobody's before signing in.
 */
export function createSavedFiltersStore(session: SessionStore) {
  const keyOf = (): string | null => {
    const user = session.getState().user;
    return user ? KEY_PREFIX + user.userId : null;
  };
  const store = createStore<{
    saved: SavedFilter[];
    save(name: string, filters: OrderFilters): void;
    remove(name: string): void;
  }>()((set, get) => {
    const persist = (saved: SavedFilter[]) => {
      const key = keyOf();
      if (!key) return;
      set({ saved });
      try {
        globalThis.localStorage?.setItem(key, JSON.stringify(saved));
      } catch {
        // Without storage the list lasts for this session.
      }
    };
    return {
      saved: [],
      save(name, filters) {
        const rest = get().saved.filter((s) => s.name !== name);
        persist([{ name, filters }, ...rest].slice(0, MAX_SAVED));
      },
      remove(name) {
        persist(get().saved.filter((s) => s.name !== name));
      },
    };
  });
  // Earlier versions kept one list per install, whoever saved it: it cannot be given to anyone
  // now, so it goes.
  try {
    globalThis.localStorage?.removeItem('escrow-desk.saved-order-filters');
  } catch {
    // Nothing stored, nothing to forget.
  }
  const follow = () => {
    const key = keyOf();
    store.setState({ saved: key ? load(key) : [] });
  };
  follow();
  session.subscribe((s, prev) => {
    if (s.user?.userId !== prev.user?.userId) follow();
  });
  return store;
}

export type SavedFiltersStore = ReturnType<typeof createSavedFiltersStore>;
