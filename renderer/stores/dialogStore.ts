import { createStore } from 'zustand/vanilla';

export type ActionDialog =
  | { kind: 'ship'; orderId: string; goodsKind: 'express' | 'surface' | 'virtual' }
  | { kind: 'refuse'; orderId: string; refundId: string }
  | { kind: 'batch' }
  | { kind: 'signOut'; pending: number };

export interface DialogState {
  dialog: ActionDialog | null;
  /** Last outcome, announced in a live region. */
  notice: { text: string; tone: 'ok' | 'error' } | null;
  open(dialog: ActionDialog): void;
  close(): void;
  announce(text: string, tone: 'ok' | 'error'): void;
}

/** The one action dialog that may be open, and the outcome message of the last action. */
export function createDialogStore() {
  return createStore<DialogState>()((set) => ({
    dialog: null,
    notice: null,
    open: (dialog) => set({ dialog }),
    close: () => set({ dialog: null }),
    announce: (text, tone) => set({ notice: { text, tone } }),
  }));
}

export type DialogStore = ReturnType<typeof createDialogStore>;
