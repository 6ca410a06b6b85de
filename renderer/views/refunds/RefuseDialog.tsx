import { useState } from 'react';
import type { FormEvent } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { Modal } from '../../components/Modal.tsx';
import type { ErrorLike } from '../../i18n/translate.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** The usual reasons a seller refuses, offered first so most refusals need no typing. */
export const REFUSAL_PRESETS = [
  'as_described',
  'not_returned',
  'damaged_by_buyer',
  'used',
  'past_period',
] as const;

/**
 * Refusing a refund needs a reason the buyer (and, if they escalate, an agent) will read: a
 * preset fills it in the seller's language, and it can be edited before sending.
 */
export function RefuseDialog(props: { orderId: string; refundId: string }) {
  const stores = useStores();
  const tr = useTr();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ErrorLike | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => stores.dialogs.getState().close();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim() === '') {
      setError({ code: 'reason_required' });
      return;
    }
    setBusy(true);
    const r = await stores.commands.refuseRefund(props.orderId, props.refundId, reason.trim());
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    stores.dialogs.getState().announce(tr.t('money.refused', { orderId: props.orderId }), 'ok');
    close();
  }

  return (
    <Modal title={`${tr.t('refunds.refuseSubmit')} · ${props.orderId}`} onClose={close}>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <label className="field">
          <span>{tr.t('refunds.preset')}</span>
          <select
            value=""
            data-testid="refuse-preset"
            onChange={(e) => {
              if (e.target.value) setReason(tr.dyn(`refunds.preset.${e.target.value}`, ''));
            }}
          >
            <option value="">{tr.t('refunds.presetPick')}</option>
            {REFUSAL_PRESETS.map((p) => (
              <option key={p} value={p}>
                {tr.dyn(`refunds.preset.${p}`, p)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{tr.t('refunds.refuseReason')}</span>
          <textarea
            value={reason}
            maxLength={200}
            rows={3}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby="refuse-error"
            data-testid="refuse-reason"
          />
        </label>
        <div id="refuse-error" className="error" role="alert">
          {error?.code === 'reason_required' ? (
            tr.t('refunds.reasonRequired')
          ) : error ? (
            <ErrorText error={error} />
          ) : null}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={close}>
            {tr.t('ship.cancel')}
          </button>
          <button type="submit" disabled={busy} className="danger" data-testid="refuse-submit">
            {tr.t('refunds.refuseSubmit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
