/**
 * The dispute desk's case queue (agents): filters and sort run on the server; the search box
 * follows typing after a pause; rows can be ticked for bulk assignment and walked with ↑↓.
 */
import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodInput, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo, Result } from '../../shared/errors.ts';

export type QueueFilter = Omit<MethodInput<'disputes.queue'>, 'limit'>;
export type CaseSummary = MethodOutput<'disputes.queue'>['cases'][number];

/**
 * The server's clock minus this desk's, measured at each answer: deadlines are the server's
 * times, so countdowns shift them onto the desk's clock instead of trusting it.
 */
export const offsetOf = (serverNow: number) => serverNow - Date.now();

export type Person = MethodOutput<'disputes.queue'>['agents'][number];
export type QueueSort = NonNullable<QueueFilter['sort']>;

/** How long typing pauses before the queue asks the server: a search per word, not per key. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Cases per bulk-assign call, so a long assignment shows its progress as it goes. */
export const BULK_CHUNK = 10;

export interface QueueState {
  filter: QueueFilter;
  /** The search box as typed; `filter.q` follows it after a pause. */
  text: string;
  cases: CaseSummary[];
  agents: Person[];
  serverOffsetMs: number;
  loading: boolean;
  error: ErrorInfo | null;
  /** Claim ids ticked for bulk assignment. */
  selected: ReadonlySet<string>;
  /** The row ↑↓ move through; Enter opens it. */
  cursor: string | null;
  /** A running bulk assignment: cases done of total. */
  progress: { done: number; total: number } | null;
  setFilter(patch: Partial<QueueFilter>): void;
  /** Clicking a column: sorts by it, or flips the direction if it is already the sort. */
  sortBy(column: QueueSort): void;
  search(text: string): void;
  load(): Promise<void>;
  toggle(claimId: string): void;
  selectAll(on: boolean): void;
  moveCursor(step: 1 | -1): void;
  bulkAssign(agentId: string | null): Promise<Result<{ changed: number }>>;
}

export function createCaseQueueStore(
  desk: DeskApi,
  timer: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void } = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
) {
  // Every load is numbered; an answer to an older request than the latest is dropped, so a
  // slow answer for "龙" never replaces the one for "龙井" that came back first.
  let latest = 0;
  let pending: unknown = null;
  // The filter the cases on show answer (JSON): a refusal of another filter must not leave
  // them up under its error, as if they matched it; a refusal of the same one (offline) may.
  let shownFor: string | null = null;
  return createStore<QueueState>()((set, get) => ({
    filter: {},
    text: '',
    cases: [],
    agents: [],
    serverOffsetMs: 0,
    loading: false,
    error: null,
    selected: new Set(),
    cursor: null,
    progress: null,
    setFilter(patch) {
      const next = { ...get().filter, ...patch };
      for (const k of Object.keys(next) as (keyof QueueFilter)[])
        if (next[k] === undefined || next[k] === '') delete next[k];
      set({ filter: next });
      void get().load();
    },
    sortBy(column) {
      const { sort, dir } = get().filter;
      get().setFilter(
        sort === column
          ? { sort: column, dir: dir === 'desc' ? 'asc' : 'desc' }
          : { sort: column, dir: 'asc' },
      );
    },
    search(text) {
      set({ text });
      if (pending !== null) timer.clear(pending);
      pending = timer.set(() => {
        pending = null;
        get().setFilter({ q: text.trim() || undefined });
      }, SEARCH_DEBOUNCE_MS);
    },
    async load() {
      const ticket = ++latest;
      set({ loading: true });
      const asked = JSON.stringify(get().filter);
      const r = await desk.disputes.queue({ ...get().filter, limit: 200 });
      if (ticket !== latest) return;
      if (r.ok) {
        shownFor = asked;
        const ids = new Set(r.value.cases.map((c) => c.claimId));
        const { selected, cursor } = get();
        set({
          cases: r.value.cases,
          agents: r.value.agents,
          serverOffsetMs: offsetOf(r.value.now),
          loading: false,
          error: null,
          // Selections follow the list: a case that left it cannot be assigned from it.
          selected: new Set([...selected].filter((id) => ids.has(id))),
          cursor: cursor && ids.has(cursor) ? cursor : null,
        });
      } else if (asked !== shownFor) {
        shownFor = asked;
        set({ loading: false, error: r.error, cases: [], selected: new Set(), cursor: null });
      } else set({ loading: false, error: r.error });
    },
    toggle(claimId) {
      const selected = new Set(get().selected);
      if (!selected.delete(claimId)) selected.add(claimId);
      set({ selected });
    },
    selectAll(on) {
      set({ selected: new Set(on ? get().cases.map((c) => c.claimId) : []) });
    },
    moveCursor(step) {
      const { cases, cursor } = get();
      if (cases.length === 0) return;
      const at = cases.findIndex((c) => c.claimId === cursor);
      const next = at < 0 ? (step > 0 ? 0 : cases.length - 1) : at + step;
      const c = cases[Math.max(0, Math.min(cases.length - 1, next))];
      if (c) set({ cursor: c.claimId });
    },
    async bulkAssign(agentId) {
      const ids = [...get().selected];
      let changed = 0;
      set({ progress: { done: 0, total: ids.length } });
      try {
        for (let i = 0; i < ids.length; i += BULK_CHUNK) {
          const claimIds = ids.slice(i, i + BULK_CHUNK);
          const r = await desk.disputes.bulkAssign({ claimIds, agentId });
          if (!r.ok) return r;
          changed += r.value.changed;
          set({ progress: { done: i + claimIds.length, total: ids.length } });
        }
        set({ selected: new Set() });
        return { ok: true, value: { changed } };
      } finally {
        set({ progress: null });
        await get().load();
      }
    },
  }));
}

export type CaseQueueStore = ReturnType<typeof createCaseQueueStore>;
