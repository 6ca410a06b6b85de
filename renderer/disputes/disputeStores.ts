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

export interface QueueState {
  filter: QueueFilter;
  cases: CaseSummary[];
  serverOffsetMs: number;
  loading: boolean;
  error: ErrorInfo | null;
  setFilter(patch: Partial<QueueFilter>): void;
  load(): Promise<void>;
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
  requestSellerEvidence(): Promise<void>;
  decide(input: DecisionInput): Promise<boolean>;
  secondApproval(approve: boolean, note: string): Promise<boolean>;
}

export function createQueueStore(desk: DeskApi) {
  return createStore<QueueState>()((set, get) => ({
    filter: {},
    cases: [],
    serverOffsetMs: 0,
    loading: false,
    error: null,
    setFilter(patch) {
      const next = { ...get().filter, ...patch };
      for (const k of Object.keys(next) as (keyof QueueFilter)[])
        if (next[k] === undefined || next[k] === '') delete next[k];
      set({ filter: next });
      void get().load();
    },
    async load() {
      set({ loading: true });
      const r = await desk.disputes.queue({ ...get().filter, limit: 200 });
      if (r.ok)
        set({
          cases: r.value.cases,
          serverOffsetMs: offsetOf(r.value.now),
          loading: false,
          error: null,
        });
      else set({ loading: false, error: r.error });
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
