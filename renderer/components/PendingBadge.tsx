import { useStore } from 'zustand';
import { useStores, useTr } from '../app/StoresContext.tsx';

/** Marks an order with an action this desk took that the server has not confirmed yet. */
export function PendingBadge({ orderId, pendingSync }: { orderId: string; pendingSync?: boolean }) {
  const tr = useTr();
  // The core knows (replica overlay); the local record covers the moment before a list reloads.
  const recorded = useStore(useStores().sync, (s) => s.pending.some((a) => a.orderId === orderId));
  if (!pendingSync && !recorded) return null;
  return (
    <span className="badge badge-pending" data-testid="pending-badge">
      {tr.t('pending.badge')}
    </span>
  );
}
