import { createStore } from 'zustand/vanilla';
import type { DeskApi, MethodOutput } from '../../shared/contract/types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';

export type OrderDetail = MethodOutput<'orders.get'>;

export interface OrderDetailState {
  orderId: string | null;
  detail: OrderDetail | null;
  error: ErrorInfo | null;
  open(orderId: string): Promise<void>;
  reload(): Promise<void>;
  close(): void;
}

/** The order open in the detail panel: its state, timeline and ledger postings. */
export function createOrderDetailStore(desk: DeskApi) {
  return createStore<OrderDetailState>()((set, get) => ({
    orderId: null,
    detail: null,
    error: null,
    async open(orderId) {
      set({ orderId, detail: get().orderId === orderId ? get().detail : null, error: null });
      await get().reload();
    },
    async reload() {
      const orderId = get().orderId;
      if (!orderId) return;
      const r = await desk.orders.get({ orderId });
      if (get().orderId !== orderId) return;
      set(r.ok ? { detail: r.value, error: null } : { error: r.error });
    },
    close() {
      set({ orderId: null, detail: null, error: null });
    },
  }));
}

export type OrderDetailStore = ReturnType<typeof createOrderDetailStore>;
