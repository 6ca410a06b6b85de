import { createStore } from 'zustand/vanilla';
import { uuidv7 } from '../../shared/ids.ts';
import type { DeskApi, MethodInput, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo, Result } from '../../shared/errors.ts';

export type QueueFilter = Omit<MethodInput<'disputes.queue'>, 'limit'>;
export type CaseSummary = MethodOutput<'disputes.queue'>['cases'][number];
export type CaseDetail = MethodOutput<'disputes.case'>['case'];

/**
 * The server's clock minus this desk's, measured at each answer: deadlines are the server's
 * times, so countdowns shift them onto the desk's clock instead of trusting it.
 */
const offsetOf = (serverNow: number) => serverNow - Date.now();

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

export type DecisionInput = Omit<MethodInput<'claims.decide'>, 'commandId' | 'orderId' | 'claimId'>;

export interface CaseState {
  claimId: string | null;
  detail: CaseDetail | null;
  serverOffsetMs: number;
  loading: boolean;
  busy: boolean;
  error: ErrorInfo | null;
  /** The last action's outcome, shown to the agent. */
  outcome: { ok: true; text: string } | { ok: false; error: ErrorInfo } | null;
  open(claimId: string): Promise<void>;
  close(): void;
  reload(): Promise<void>;
  assign(assign: boolean): Promise<void>;
  addNote(body: string): Promise<boolean>;
  sendMessage(to: 'buyer' | 'seller', body: string): Promise<boolean>;
  requestSellerEvidence(): Promise<void>;
  decide(input: DecisionInput): Promise<boolean>;
  secondApproval(approve: boolean, note: string): Promise<boolean>;
}

export function createQueueStore(
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
      const r = await desk.disputes.queue({ ...get().filter, limit: 200 });
      if (ticket !== latest) return;
      if (r.ok) {
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

export function createCaseStore(desk: DeskApi, onChanged: () => void) {
  return createStore<CaseState>()((set, get) => {
    /** Runs a desk action, shows its outcome and reloads the case (and the queue) after it. */
    async function act<T>(run: () => Promise<Result<T>>, okText: string): Promise<boolean> {
      set({ busy: true });
      const r = await run();
      set({
        busy: false,
        // Successes are shown only for decisions; every failure is shown with its message.
        outcome: r.ok
          ? okText
            ? { ok: true, text: okText }
            : null
          : { ok: false, error: r.error },
      });
      await get().reload();
      onChanged();
      return r.ok;
    }
    const ids = () => {
      const d = get().detail;
      if (!d) throw new Error('no case open');
      return { orderId: d.order.orderId, claimId: d.claim.claimId };
    };
    return {
      claimId: null,
      detail: null,
      serverOffsetMs: 0,
      loading: false,
      busy: false,
      error: null,
      outcome: null,
      async open(claimId) {
        set({ claimId, detail: null, error: null, outcome: null });
        await get().reload();
      },
      close() {
        set({ claimId: null, detail: null, error: null, outcome: null });
      },
      async reload() {
        const claimId = get().claimId;
        if (!claimId) return;
        set({ loading: true });
        const r = await desk.disputes.case({ claimId });
        if (get().claimId !== claimId) return;
        if (r.ok)
          set({
            detail: r.value.case,
            serverOffsetMs: offsetOf(r.value.now),
            loading: false,
            error: null,
          });
        else set({ loading: false, error: r.error });
      },
      assign: async (assign) => {
        const claimId = get().claimId;
        if (claimId) await act(() => desk.disputes.assign({ claimId, assign }), '');
      },
      addNote: (body) => act(() => desk.disputes.addNote({ claimId: ids().claimId, body }), ''),
      requestSellerEvidence: async () => {
        await act(() => desk.claims.requestSellerEvidence({ commandId: uuidv7(), ...ids() }), '');
      },
      // Decisions are escrow commands: the desk's core applies them and sync carries them to
      // the server, whose rules (maker-checker included) have the last word.
      sendMessage: (to, body) =>
        act(() => desk.disputes.sendMessage({ claimId: ids().claimId, to, body }), ''),
      decide: (input) =>
        act(() => desk.claims.decide({ commandId: uuidv7(), ...ids(), ...input }), 'decision'),
      secondApproval: (approve, note) =>
        act(
          () => desk.claims.secondApproval({ commandId: uuidv7(), ...ids(), approve, note }),
          'decision',
        ),
    };
  });
}

export type QueueStore = ReturnType<typeof createQueueStore>;
export type CaseStore = ReturnType<typeof createCaseStore>;

export interface DisputeStores {
  queue: QueueStore;
  kase: CaseStore;
}

const byDesk = new WeakMap<DeskApi, DisputeStores>();

/** One set of dispute stores per desk connection, made on first use. */
export function disputeStoresFor(desk: DeskApi): DisputeStores {
  let stores = byDesk.get(desk);
  if (!stores) {
    const queue = createQueueStore(desk);
    stores = { queue, kase: createCaseStore(desk, () => void queue.getState().load()) };
    byDesk.set(desk, stores);
  }
  return stores;
}

/** Saves bytes the desk returned (base64) as a file the user downloads; never opened inline. */
export function saveFile(name: string, mime: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? data : data;
  const blob = new Blob([bytes as BlobPart], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function base64Bytes(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
