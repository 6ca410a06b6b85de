import { createStore } from 'zustand/vanilla';

export interface ClockState {
  nowMs: number;
  start(): () => void;
}

/**
 * One ticking clock for every countdown on screen, so a table of 40 visible deadlines does
 * not run 40 timers. Countdowns only: no money moves on the desk's clock.
 */
export function createClockStore(tickMs = 1000) {
  return createStore<ClockState>()((set) => ({
    nowMs: Date.now(),
    start() {
      const timer = setInterval(() => set({ nowMs: Date.now() }), tickMs);
      return () => clearInterval(timer);
    },
  }));
}

export type ClockStore = ReturnType<typeof createClockStore>;
