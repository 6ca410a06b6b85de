import { createStore } from 'zustand/vanilla';

export interface NavState {
  /** Id of the route in the route table (app/routes.ts). */
  route: string;
  go(route: string): void;
}

/** Which view is showing. Kept out of the URL: the desk is one window, not a web site. */
export function createNavStore(initial = 'orders') {
  return createStore<NavState>()((set) => ({
    route: initial,
    go: (route) => set({ route }),
  }));
}

export type NavStore = ReturnType<typeof createNavStore>;
