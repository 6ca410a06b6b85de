import { useStore } from 'zustand';
import { useStores, useTr } from '../app/StoresContext.tsx';

/** Marks an order with an action this desk took that the server has not confirmed yet. */
export function PendingBadge({ orderId }: { orderId: string }) {
  const tr = useTr();
  const pending = useStore(useStores().sync, (s) => s.pending.some((a) => a.orderId === orderId));
  if (!pending) return null;
  return (
    <span className="badge badge-pending" data-testid="pending-badge">
      {tr.t('pending.badge')}
    </span>
  );
}
