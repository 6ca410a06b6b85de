import { useStore } from 'zustand';
import { useStores, useTr } from './StoresContext.tsx';

/** The seller's choice of hearing about new payments and refund requests at once. */
export function AlertSwitches() {
  const stores = useStores();
  const tr = useTr();
  const { desktop, sound } = useStore(stores.alerts);
  return (
    <span className="alert-switches">
      <label className="field inline">
        <input
          type="checkbox"
          checked={desktop}
          data-testid="alert-desktop"
          onChange={(e) => void stores.alerts.getState().setDesktop(e.target.checked)}
        />
        <span>{tr.t('alert.desktop')}</span>
      </label>
      <label className="field inline">
        <input
          type="checkbox"
          checked={sound}
          data-testid="alert-sound"
          onChange={(e) => stores.alerts.getState().setSound(e.target.checked)}
        />
        <span>{tr.t('alert.sound')}</span>
      </label>
    </span>
  );
}
