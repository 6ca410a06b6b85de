import { useState } from 'react';
import { ORDER_FLAGS } from '../../../shared/escrow/types.ts';
import type { OrderFlag } from '../../../shared/escrow/types.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';

/**
 * The seller's note and flag on an order (备注/旗帜). Saved as a command like any other action:
 * queued in the outbox, shown at once, synced to the merchant's other desks; buyers never see
 * it. `key` the editor by order and version so a change from another desk replaces the draft.
 */
export function OrderNoteEditor(props: { orderId: string; note: string; flag: OrderFlag | null }) {
  const stores = useStores();
  const tr = useTr();
  const [note, setNote] = useState(props.note);
  const [flag, setFlag] = useState<OrderFlag | null>(props.flag);
  const [busy, setBusy] = useState(false);
  const changed = note !== props.note || flag !== props.flag;

  async function save() {
    setBusy(true);
    const r = await stores.commands.annotate(props.orderId, note.trim(), flag);
    setBusy(false);
    const dialogs = stores.dialogs.getState();
    if (r.ok) dialogs.announce(tr.t('note.saved', { orderId: props.orderId }), 'ok');
    else dialogs.announce(tr.error(r.error), 'error', r.error);
  }

  return (
    <form
      className="form note-editor"
      data-testid="note-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset className="flags">
        <legend>{tr.t('note.flag')}</legend>
        <label className="flag-choice">
          <input type="radio" name="flag" checked={flag === null} onChange={() => setFlag(null)} />
          <span>{tr.t('note.noFlag')}</span>
        </label>
        {ORDER_FLAGS.map((f) => (
          <label key={f} className="flag-choice">
            <input
              type="radio"
              name="flag"
              checked={flag === f}
              onChange={() => setFlag(f)}
              data-testid={`flag-${f}`}
            />
            <span className={`flag-dot flag-${f}`} aria-hidden="true" />
            <span>{tr.dyn(`flag.${f}`, f)}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{tr.t('note.label')}</span>
        <textarea
          value={note}
          maxLength={500}
          rows={2}
          onChange={(e) => setNote(e.target.value)}
          data-testid="note-text"
        />
      </label>
      <div className="actions">
        <button type="submit" disabled={busy || !changed} data-testid="note-save">
          {tr.t('note.save')}
        </button>
      </div>
    </form>
  );
}
