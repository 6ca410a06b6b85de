/** The open dispute case (agents): its detail, and the actions taken on it. */
import { createStore } from 'zustand/vanilla';
import { uuidv7 } from '../../shared/ids.ts';
import type { DeskApi, MethodInput, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo, Result } from '../../shared/errors.ts';
import { offsetOf } from './caseQueueStore.ts';

export type CaseDetail = MethodOutput<'disputes.case'>['case'];

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

export type CaseStore = ReturnType<typeof createCaseStore>;
