import { useState } from 'react';
import type { FormEvent } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Modal } from '../../components/Modal.tsx';
import type { ErrorLike } from '../../i18n/translate.ts';
import type { EscalationToResolve } from '../../stores/dialogStore.ts';
import { parseYuan, yuanText } from '../../../shared/money.ts';

type Outcome = 'refund' | 'close';

/**
 * An agent's decision on a refund the buyer escalated after the seller refused: refund the
 * buyer (all they asked or less) or close the request. Both need a note the parties will read.
 * The dialog says what will happen with the amount and the buyer named before it is sent; a
 * refund moves money out of escrow and cannot be undone, so the send button says so too.
 * Decided like every other desk action: through the outbox, so also offline, and the server
 * has the last word (a refund already decided elsewhere comes back as a sync issue).
 */
export function ResolveEscalationDialog(props: { item: EscalationToResolve }) {
  const stores = useStores();
  const tr = useTr();
  const { item } = props;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [amount, setAmount] = useState(yuanText(item.amountFen));
  const [note, setNote] = useState('');
  const [error, setError] = useState<ErrorLike | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => stores.dialogs.getState().close();

  /** The refund as the agent typed it, or why it cannot be sent. */
  function grantedFen(): number | ErrorLike {
    let fen: number;
    try {
      fen = parseYuan(amount);
    } catch {
      return { code: 'invalid_amount' };
    }
    if (fen <= 0) return { code: 'invalid_amount' };
    if (fen > item.amountFen) return { code: 'amount_over_asked' };
    return fen;
  }
  const granted = outcome === 'refund' ? grantedFen() : null;
  const money = (fen: number) => tr.money(fen, item.currency);

  let consequence: string | null = null;
  if (outcome === 'close')
    consequence = tr.t('escalations.closeOutcome', { orderId: item.orderId });
  else if (typeof granted === 'number')
    consequence = tr.t('escalations.refundOutcome', {
      amount: money(granted),
      buyer: item.buyerId,
      orderId: item.orderId,
      partial: granted < item.amountFen ? 'yes' : 'no',
      asked: money(item.amountFen),
    });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (outcome === null) return setError({ code: 'outcome_required' });
    if (granted !== null && typeof granted !== 'number') return setError(granted);
    if (note.trim() === '') return setError({ code: 'reason_required' });
    setBusy(true);
    setError(null);
    const r = await stores.commands.resolveEscalation({
      orderId: item.orderId,
      refundId: item.refundId,
      outcome,
      note: note.trim(),
      ...(typeof granted === 'number' ? { amountFen: granted } : {}),
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    stores.dialogs
      .getState()
      .announce(
        typeof granted === 'number'
          ? tr.t('escalations.refunded', { amount: money(granted), orderId: item.orderId })
          : tr.t('escalations.closed', { orderId: item.orderId }),
        'ok',
      );
    close();
  }

  return (
    <Modal title={`${tr.t('escalations.resolveTitle')} · ${item.orderId}`} onClose={close}>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <p className="muted">
          {tr.t('escalations.asked', { amount: money(item.amountFen), buyer: item.buyerId })}
        </p>
        <fieldset className="field" data-testid="resolve-outcome">
          <legend>{tr.t('escalations.outcome')}</legend>
          {(['refund', 'close'] as const).map((o) => (
            <label key={o} className="check">
              <input
                type="radio"
                name="resolve-outcome"
                value={o}
                checked={outcome === o}
                onChange={() => {
                  setOutcome(o);
                  setError(null);
                }}
                data-testid={`resolve-${o}`}
              />
              {tr.t(o === 'refund' ? 'escalations.outcomeRefund' : 'escalations.outcomeClose')}
            </label>
          ))}
        </fieldset>
        {outcome === 'refund' ? (
          <label className="field">
            <span>{tr.t('escalations.refundAmount', { most: money(item.amountFen) })}</span>
            <input
              inputMode="decimal"
              value={amount}
              maxLength={16}
              onChange={(e) => {
                setAmount(e.target.value);
                setError(null);
              }}
              aria-invalid={typeof granted === 'object' && granted !== null ? true : undefined}
              data-testid="resolve-amount"
            />
          </label>
        ) : null}
        <label className="field">
          <span>{tr.t('escalations.note')}</span>
          <textarea
            value={note}
            maxLength={2000}
            rows={3}
            onChange={(e) => {
              setNote(e.target.value);
              setError(null);
            }}
            aria-describedby="resolve-error"
            data-testid="resolve-note"
          />
        </label>
        {/* What will happen, before it does. */}
        {consequence ? <p data-testid="resolve-consequence">{consequence}</p> : null}
        <div id="resolve-error" className="error" role="alert">
          {error?.code === 'reason_required' ? (
            tr.t('escalations.noteRequired')
          ) : error?.code === 'outcome_required' ? (
            tr.t('escalations.outcomeRequired')
          ) : error?.code === 'amount_over_asked' ? (
            tr.t('escalations.overAsked', { amount: money(item.amountFen) })
          ) : error ? (
            <ErrorText error={error} />
          ) : null}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={close}>
            {tr.t('ship.cancel')}
          </button>
          <button
            type="submit"
            disabled={busy}
            className={outcome === 'refund' ? 'danger' : undefined}
            data-testid="resolve-submit"
          >
            {typeof granted === 'number'
              ? tr.t('escalations.submitRefund', { amount: money(granted) })
              : outcome === 'close'
                ? tr.t('escalations.submitClose')
                : tr.t('escalations.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
