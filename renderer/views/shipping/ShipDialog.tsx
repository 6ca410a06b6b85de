import { useState } from 'react';
import type { FormEvent } from 'react';
import {
  CARRIERS,
  carrierById,
  normalizeTrackingNo,
  trackingProblem,
} from '../../../shared/shipping/carriers.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { Modal } from '../../components/Modal.tsx';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/**
 * Ship one order: carrier from the list, tracking number checked against that carrier's format
 * (the same shared check the core runs) as the user types.
 */
export function ShipDialog(props: {
  orderId: string;
  goodsKind: 'express' | 'surface' | 'virtual';
}) {
  const stores = useStores();
  const tr = useTr();
  const [carrier, setCarrier] = useState(props.goodsKind === 'virtual' ? 'digital' : 'sf');
  const [trackingNo, setTrackingNo] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<ErrorInfo | null>(null);
  const normalized = normalizeTrackingNo(trackingNo);
  // Nothing typed is its own problem: "does not match the format" would send the seller
  // looking for a typo in an empty field.
  const problem = normalized ? trackingProblem(carrier, normalized) : 'tracking_missing';
  const close = () => stores.dialogs.getState().close();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (problem) return;
    setBusy(true);
    const r = await stores.commands.ship({
      orderId: props.orderId,
      carrier,
      trackingNo: normalized,
    });
    setBusy(false);
    if (!r.ok) {
      setServerError(r.error);
      return;
    }
    stores.dialogs.getState().announce(tr.t('ship.done', { orderId: props.orderId }), 'ok');
    close();
  }

  const showProblem = touched && problem;
  return (
    <Modal title={tr.t('ship.title', { orderId: props.orderId })} onClose={close}>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <label className="field">
          <span>{tr.t('ship.carrier')}</span>
          <select
            value={carrier}
            onChange={(e) => setCarrier(e.target.value)}
            data-testid="ship-carrier"
          >
            {CARRIERS.map((c) => (
              <option key={c.id} value={c.id}>
                {tr.dyn(`carrier.${c.id}`, c.id)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{tr.t('ship.trackingNo')}</span>
          <input
            value={trackingNo}
            onChange={(e) => setTrackingNo(e.target.value)}
            onBlur={() => setTouched(true)}
            placeholder={carrierById(carrier)?.example}
            aria-invalid={showProblem ? true : undefined}
            aria-describedby="ship-problem"
            autoFocus
            autoComplete="off"
            data-testid="ship-tracking"
          />
        </label>
        <div id="ship-problem" className="error" role="alert">
          {showProblem ? tr.dyn(`problem.${problem}`, problem) : ''}
          {serverError ? <ErrorText error={serverError} /> : null}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={close}>
            {tr.t('ship.cancel')}
          </button>
          <button type="submit" disabled={busy} data-testid="ship-submit">
            {tr.t('ship.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
