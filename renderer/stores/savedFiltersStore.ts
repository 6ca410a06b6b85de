import { createStore } from 'zustand/vanilla';
import type { OrderFilters } from './orderListStore.ts';

export interface SavedFilter {
  name: string;
  filters: OrderFilters;
}

const KEY = 'escrow-desk.saved-order-filters';
const MAX_SAVED = 20;

function load(): SavedFilter[] {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as SavedFilter[]).slice(0, MAX_SAVED) : [];
  } catch {
    return [];
  }
}

/**
 * The seller's named order filters ("今天待发货的红旗单"), kept on this computer per browser
 * profile or desk window: a view of the list, not data, so nothing about them syncs.
 */
export function createSavedFiltersStore() {
  return createStore<{
    saved: SavedFilter[];
    save(name: string, filters: OrderFilters): void;
    remove(name: string): void;
  }>()((set, get) => {
    const persist = (saved: SavedFilter[]) => {
      set({ saved });
      try {
        globalThis.localStorage?.setItem(KEY, JSON.stringify(saved));
      } catch {
        // Without storage the list lasts for this session.
      }
    };
    return {
      saved: load(),
      save(name, filters) {
        const rest = get().saved.filter((s) => s.name !== name);
        persist([{ name, filters }, ...rest].slice(0, MAX_SAVED));
      },
      remove(name) {
        persist(get().saved.filter((s) => s.name !== name));
      },
    };
  });
}

export type SavedFiltersStore = ReturnType<typeof createSavedFiltersStore>;
