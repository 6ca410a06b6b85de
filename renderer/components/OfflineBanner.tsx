import { useStore } from 'zustand';
import { useStores, useTr } from '../app/StoresContext.tsx';
import { ErrorText } from './ErrorText.tsx';

/** Shown across the top while the desk cannot reach the central server. */
export function OfflineBanner() {
  const tr = useTr();
  const status = useStore(useStores().sync, (s) => s.status);
  if (!status) return null;
  if (status.state === 'offline' || status.online === false) {
    return (
      <div className="banner banner-offline" role="status" data-testid="offline-banner">
        <strong>{tr.t('offline.banner')}</strong>
        {status.pendingMutations > 0 ? (
          <span> · {tr.t('sync.pending', { count: status.pendingMutations })}</span>
        ) : null}
      </div>
    );
  }
  if (status.state === 'error') {
    return (
      <div className="banner banner-error" role="alert">
        {/* The sync status carries no code: a message of its own, the raw text folded away. */}
        <ErrorText
          error={{ code: 'sync_error', message: status.message ?? '' }}
          text={tr.t('offline.error')}
        />
      </div>
    );
  }
  return null;
}
