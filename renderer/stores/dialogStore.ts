import { createStore } from 'zustand/vanilla';
import type { Currency } from '../../shared/money.ts';
import type { ErrorLike } from '../i18n/translate.ts';

/** One refund a money dialog acts on, with what its confirmation has to say. */
export interface MoneyItem {
  orderId: string;
  refundId: string;
  buyerId: string;
  amountFen: number;
  currency: Currency;
  refundKind: 'refund_only' | 'return_and_refund';
}

/**
 * An action that moves money (or commits the seller to it): never run directly, always through
 * this dialog, which names the amount, who receives it and that it cannot be undone.
 */
export type MoneyAction = { type: 'agree_refund' | 'confirm_return'; items: MoneyItem[] };

/** An escalated refund an agent is about to decide, with what the dialog has to say. */
export interface EscalationToResolve {
  orderId: string;
  refundId: string;
  buyerId: string;
  /** What the buyer asked for: the most the platform can grant. */
  amountFen: number;
  currency: Currency;
}

export type ActionDialog =
  | { kind: 'ship'; orderId: string; goodsKind: 'express' | 'surface' | 'virtual' }
  | { kind: 'confirmMoney'; action: MoneyAction }
  | { kind: 'refuse'; orderId: string; refundId: string }
  | { kind: 'refundFiles'; orderId: string; refundId: string }
  | { kind: 'resolveEscalation'; item: EscalationToResolve }
  | { kind: 'batch' }
  | { kind: 'signOut'; pending: number };

export interface Notice {
  /** Grows with every notice, so a timer set for an old one never closes a newer one. */
  id: number;
  text: string;
  tone: 'ok' | 'error';
  /** For an error: its code and raw message, shown folded away for support. */
  error?: ErrorLike;
}

export interface DialogState {
  dialog: ActionDialog | null;
  /** Last outcome, announced in a live region. */
  notice: Notice | null;
  open(dialog: ActionDialog): void;
  close(): void;
  /**
   * Shows the outcome of an action. A success closes by itself after `OK_NOTICE_MS`; an error
   * stays until the user dismisses it (or a newer notice replaces it).
   */
  announce(text: string, tone: 'ok' | 'error', error?: ErrorLike): void;
  /** The notice's close button. */
  dismiss(): void;
  /** Drops any notice, e.g. on sign-out or when the language changes (it would be stale). */
  clearNotices(): void;
}

/** How long a success notice stays before it closes by itself. */
export const OK_NOTICE_MS = 5000;

/** The timer the store uses; tests pass a fake one instead of waiting. */
export interface NoticeTimer {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimer: NoticeTimer = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The one action dialog that may be open, and the outcome message of the last action. */
export function createDialogStore(timer: NoticeTimer = realTimer) {
  let pending: unknown = null;
  let nextId = 1;
  const stopTimer = () => {
    if (pending !== null) timer.clearTimeout(pending);
    pending = null;
  };
  return createStore<DialogState>()((set, get) => ({
    dialog: null,
    notice: null,
    open: (dialog) => set({ dialog }),
    close: () => set({ dialog: null }),
    announce: (text, tone, error) => {
      stopTimer();
      const id = nextId++;
      set({ notice: error ? { id, text, tone, error } : { id, text, tone } });
      if (tone === 'ok') {
        pending = timer.setTimeout(() => {
          pending = null;
          if (get().notice?.id === id) set({ notice: null });
        }, OK_NOTICE_MS);
      }
    },
    dismiss: () => {
      stopTimer();
      set({ notice: null });
    },
    clearNotices: () => get().dismiss(),
  }));
}

export type DialogStore = ReturnType<typeof createDialogStore>;
