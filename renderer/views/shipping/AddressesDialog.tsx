import { useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { RECIPIENT_FIELDS } from '../../../shared/shipping/recipient.ts';
import type { Recipient } from '../../../shared/shipping/recipient.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Modal } from '../../components/Modal.tsx';

type Kind = 'sender' | 'return';
type Fields = Record<(typeof RECIPIENT_FIELDS)[number], string>;
const EMPTY: Fields = {
  name: '',
  mobile: '',
  province: '',
  city: '',
  district: '',
  detail: '',
  postcode: '',
};

const fieldsOf = (r: Recipient | null): Fields =>
  r ? (Object.fromEntries(RECIPIENT_FIELDS.map((f) => [f, r[f]])) as Fields) : EMPTY;

/**
 * The shop's sender address (printed on every e-waybill) and return address, kept by the
 * server. A seller admin edits them; staff see them read-only (the server decides either way).
 */
export function AddressesDialog(props: { onClose(): void }) {
  const tr = useTr();
  const stores = useStores();
  const role = stores.session.getState().user?.role;
  const editable = role === 'seller_admin';
  const [values, setValues] = useState<Record<Kind, Fields>>({ sender: EMPTY, return: EMPTY });
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState<Kind | null>(null);
  // Fields stay read-only until the stored addresses arrive: typed text must never be
  // overwritten by a late answer (and then saved back as the old address).
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    void stores.desk.merchant.addresses({}).then((r) => {
      if (!r.ok) return setError(r.error);
      setValues({ sender: fieldsOf(r.value.sender), return: fieldsOf(r.value.return) });
      setLoaded(true);
    });
  }, [stores.desk]);

  const save = async (kind: Kind) => {
    setError(null);
    setSaved(null);
    const r = await stores.desk.merchant.setAddress({ kind, address: values[kind] });
    if (!r.ok) return setError(r.error);
    setValues((v) => ({ ...v, [kind]: fieldsOf(r.value.address) }));
    setSaved(kind);
  };

  return (
    <Modal title={tr.t('address.title')} onClose={props.onClose} wide>
      {!editable ? <p className="muted">{tr.t('address.readOnly')}</p> : null}
      {(['sender', 'return'] as const).map((kind) => (
        <fieldset key={kind} className="form address-form" data-testid={`address-${kind}`}>
          <legend>{tr.t(kind === 'sender' ? 'address.sender' : 'address.return')}</legend>
          {RECIPIENT_FIELDS.map((f) => (
            <label key={f} className="field">
              <span>{tr.dyn(`address.${f}`, f)}</span>
              <input
                value={values[kind][f]}
                readOnly={!editable || !loaded}
                onChange={(e) =>
                  setValues((v) => ({ ...v, [kind]: { ...v[kind], [f]: e.target.value } }))
                }
                data-testid={`address-${kind}-${f}`}
              />
            </label>
          ))}
          {editable ? (
            <div className="actions">
              <button
                type="button"
                disabled={!loaded}
                onClick={() => void save(kind)}
                data-testid={`address-${kind}-save`}
              >
                {tr.t('address.save')}
              </button>
              {saved === kind ? <span role="status">{tr.t('address.saved')}</span> : null}
            </div>
          ) : null}
        </fieldset>
      ))}
      {error ? (
        <div role="alert" className="error" data-testid="address-error">
          <ErrorText error={error} />
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={props.onClose}>
          {tr.t('batch.close')}
        </button>
      </div>
    </Modal>
  );
}
