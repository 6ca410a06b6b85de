import { useState } from 'react';
import { useStores, useTr } from './StoresContext.tsx';
import { Modal } from '../components/Modal.tsx';

/**
 * Signing out with actions the server has not confirmed: say how many, offer to send them
 * first, or keep them. Kept actions stay in this user's own replica on this computer and go
 * out at their next sign-in; nobody else signing in here sees or sends them.
 */
export function SignOutDialog(props: { pending: number }) {
  const stores = useStores();
  const tr = useTr();
  const [busy, setBusy] = useState(false);
  const [left, setLeft] = useState(props.pending);
  const close = () => stores.dialogs.getState().close();
  const signOut = () => void stores.session.getState().signOut();

  async function sendThenSignOut() {
    setBusy(true);
    const r = await stores.desk.sync.now({});
    setBusy(false);
    const still = r.ok ? r.value.pendingMutations : left;
    if (still === 0) return signOut();
    // Offline or refused: say so and let the user choose again.
    setLeft(still);
  }

  return (
    <Modal title={tr.t('signOut.title')} onClose={close}>
      <p data-testid="signout-pending">{tr.t('signOut.pending', { count: left })}</p>
      <div className="actions">
        <button type="button" className="secondary" onClick={close}>
          {tr.t('ship.cancel')}
        </button>
        <button type="button" className="secondary" onClick={signOut} data-testid="signout-keep">
          {tr.t('signOut.keep')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => void sendThenSignOut()}
          data-testid="signout-send"
        >
          {busy ? tr.t('signOut.sending') : tr.t('signOut.send')}
        </button>
      </div>
    </Modal>
  );
}
