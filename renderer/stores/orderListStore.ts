import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodInput, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';

export type OrderRow = MethodOutput<'orders.search'>['rows'][number];
export type OrderStatus = NonNullable<MethodInput<'orders.search'>['status']>;
export type OrderQueue = NonNullable<MethodInput<'orders.search'>['queue']>;
export type OrderSort = NonNullable<MethodInput<'orders.search'>['sort']>;

export interface OrderFilters {
  text: string;
  status: OrderStatus | null;
  fromMs: number | null;
  toMs: number | null;
  /** null: the list's natural order (newest first; a queue's deadline order). */
  sort: OrderSort | null;
}

export const EMPTY_FILTERS: OrderFilters = {
  text: '',
  status: null,
  fromMs: null,
  toMs: null,
  sort: null,
};

/** The search input of `filters` (what `orders.search` and the exports are asked). */
export function searchInput(
  filters: OrderFilters,
  queue?: OrderQueue,
): Omit<MethodInput<'orders.search'>, 'offset' | 'limit'> {
  return {
    ...(filters.text.trim() ? { text: filters.text.trim() } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.fromMs !== null ? { fromMs: filters.fromMs } : {}),
    ...(filters.toMs !== null ? { toMs: filters.toMs } : {}),
    ...(filters.sort ? { sort: filters.sort } : {}),
    ...(queue ? { queue } : {}),
  };
}

/** Rows are fetched in pages of this size as the table scrolls to them. */
export const PAGE_SIZE = 50;

export interface OrderListState {
  filters: OrderFilters;
  /** null until the first page of the current filters arrives. */
  total: number | null;
  /** `total` is a lower bound and only that many rows are listed (short search text). */
  totalCapped: boolean;
  /** Matching orders with this desk's mutations not yet confirmed by the server. */
  pendingTotal: number;
  pages: ReadonlyMap<number, OrderRow[]>;
  /** Orders per status under the other filters (the status tabs); null until asked. */
  counts: {
    total: number;
    byStatus: Partial<Record<OrderStatus, number>>;
    /** Counted over the first matches only: each is a lower bound. */
    capped: boolean;
  } | null;
  /**
   * True from a change of filters until the first page for them arrives: meanwhile `pages`
   * still holds the previous results, so the table does not flash empty on every keystroke.
   */
  loading: boolean;
  /** Bumped on every change to `pages`, so a view can subscribe cheaply. */
  revision: number;
  error: ErrorInfo | null;
  /** Index of the keyboard-selected row, or -1. */
  selected: number;
  setFilters(patch: Partial<OrderFilters>): Promise<void>;
  /** Makes sure the rows first..last are loaded (the table calls it as it scrolls). */
  ensureRange(first: number, last: number): Promise<void>;
  /** Reloads the pages already loaded (after a change to orders). */
  refresh(): Promise<void>;
  rowAt(index: number): OrderRow | undefined;
  select(index: number): void;
}

/**
 * A window onto a long, filtered list of orders (the orders table, the shipping queue, the
 * refund queue). Only the pages the table shows are fetched; a page that arrives for filters
 * that have changed meanwhile is dropped, so a fast typist never ends on stale results. Until
 * the first page for new filters arrives the previous rows stay up (`loading`), and that page
 * replaces them all at once.
 */
export function createOrderListStore(desk: DeskApi, queue?: OrderQueue) {
  let generation = 0;
  /** The generation whose pages `pages` holds; older pages are replaced, not merged. */
  let pagesGeneration = 0;
  const inFlight = new Set<number>();

  return createStore<OrderListState>()((set, get) => {
    async function fetchPage(page: number, gen: number): Promise<void> {
      if (inFlight.has(page)) return;
      inFlight.add(page);
      const { filters } = get();
      try {
        const r = await desk.orders.search({
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
          ...searchInput(filters, queue),
        });
        if (gen !== generation) return;
        if (!r.ok) {
          // Never leave the previous filters' rows up under an error about the new ones, nor
          // their count: the grid would keep that many rows waiting for pages that never come.
          if (pagesGeneration !== gen) {
            pagesGeneration = gen;
            set((s) => ({
              pages: new Map(),
              total: 0,
              totalCapped: false,
              selected: -1,
              revision: s.revision + 1,
            }));
          }
          set({ error: r.error, loading: false });
          return;
        }
        const pages = pagesGeneration === gen ? new Map(get().pages) : new Map();
        pagesGeneration = gen;
        pages.set(page, r.value.rows);
        set((s) => ({
          pages,
          loading: false,
          total: r.value.total,
          totalCapped: r.value.totalCapped,
          pendingTotal: r.value.pendingTotal,
          revision: s.revision + 1,
          error: null,
          selected: Math.min(s.selected, r.value.total - 1),
        }));
      } finally {
        if (gen === generation) inFlight.delete(page);
      }
    }

    /** The status tabs' counts, for lists that show tabs (not the queues). */
    async function loadCounts(gen: number): Promise<void> {
      if (queue) return;
      const { filters } = get();
      const r = await desk.orders.counts({
        ...(filters.text.trim() ? { text: filters.text.trim() } : {}),
        ...(filters.fromMs !== null ? { fromMs: filters.fromMs } : {}),
        ...(filters.toMs !== null ? { toMs: filters.toMs } : {}),
      });
      if (r.ok && gen === generation) set({ counts: r.value });
    }

    return {
      filters: EMPTY_FILTERS,
      counts: null,
      total: null,
      totalCapped: false,
      pendingTotal: 0,
      pages: new Map(),
      loading: false,
      revision: 0,
      error: null,
      selected: -1,
      async setFilters(patch) {
        generation++;
        inFlight.clear();
        set((s) => ({
          filters: { ...s.filters, ...patch },
          loading: true,
          selected: -1,
        }));
        await Promise.all([fetchPage(0, generation), loadCounts(generation)]);
      },
      async ensureRange(first, last) {
        const gen = generation;
        const { pages: shown, total } = get();
        // Pages of earlier filters are only on show until their replacement arrives.
        const pages = pagesGeneration === gen ? shown : new Map<number, OrderRow[]>();
        const lastIndex = total === null ? last : Math.min(last, total - 1);
        const wanted: Promise<void>[] = [];
        for (let p = Math.floor(Math.max(0, first) / PAGE_SIZE); p * PAGE_SIZE <= lastIndex; p++) {
          if (!pages.has(p)) wanted.push(fetchPage(p, gen));
        }
        if (total === null && wanted.length === 0 && !pages.has(0)) wanted.push(fetchPage(0, gen));
        await Promise.all(wanted);
      },
      async refresh() {
        const loaded = [...get().pages.keys()];
        generation++;
        inFlight.clear();
        const gen = generation;
        // Same filters: the loaded pages stay valid until each is reloaded.
        pagesGeneration = gen;
        await Promise.all([
          ...(loaded.length ? loaded : [0]).map((p) => fetchPage(p, gen)),
          loadCounts(gen),
        ]);
      },
      rowAt(index) {
        return get().pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
      },
      select(index) {
        const { total } = get();
        if (total === null || total === 0) return set({ selected: -1 });
        set({ selected: Math.max(0, Math.min(total - 1, index)) });
      },
    };
  });
}

export type OrderListStore = ReturnType<typeof createOrderListStore>;
