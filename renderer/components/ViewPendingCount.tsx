import { useStore } from 'zustand';
import { useTr } from '../app/StoresContext.tsx';
import type { OrderListStore } from '../stores/orderListStore.ts';

/** How many orders in this view wait for the server to confirm this desk's actions. */
export function ViewPendingCount({ store }: { store: OrderListStore }) {
  const tr = useTr();
  const pending = useStore(store, (s) => s.pendingTotal);
  if (pending === 0) return null;
  return (
    <span className="badge badge-pending" data-testid="view-pending">
      {tr.t('sync.pending', { count: pending })}
    </span>
  );
}
