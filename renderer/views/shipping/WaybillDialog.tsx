import { useState } from 'react';
import { CARRIERS } from '../../../shared/shipping/carriers.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Modal } from '../../components/Modal.tsx';
import type { OrderRow } from '../../stores/orderListStore.ts';
import type { WaybillLabel } from './WaybillLabels.tsx';

/** Orders per `waybills.print` call (the contract's cap). */
const CHUNK = 500;

/** Carriers that issue e-waybills: every parcel carrier (virtual goods have no parcel). */
const WAYBILL_CARRIERS = CARRIERS.filter((c) => c.goods === 'parcel').map((c) => c.id);

/**
 * Ships the chosen orders with e-waybills: the server assigns each a number from the carrier's
 * segments (so this needs a connection: a desk offline cannot know a number no other desk will
 * take), the desk queues a ship action per order with it, and the labels come back to print in
 * one job. Virtual goods have no parcel and are left out.
 */
export function WaybillDialog(props: {
  rows: OrderRow[];
  onClose(): void;
  onPrinted(labels: WaybillLabel[], refused: number): void;
}) {
  const tr = useTr();
  const { desk } = useStores();
  const parcels = props.rows.filter((r) => r.goodsKind !== 'virtual');
  const skipped = props.rows.length - parcels.length;
  const [carrier, setCarrier] = useState('sf');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const submit = async () => {
    setError(null);
    const labels: WaybillLabel[] = [];
    let refused = 0;
    setProgress({ done: 0, total: parcels.length });
    for (let i = 0; i < parcels.length; i += CHUNK) {
      const orderIds = parcels.slice(i, i + CHUNK).map((r) => r.orderId);
      const r = await desk.waybills.print({ carrier, orderIds });
      if (!r.ok) {
        setProgress(null);
        setError(r.error);
        // Labels already assigned stay printable: their orders were shipped with them.
        if (labels.length > 0) props.onPrinted(labels, refused);
        return;
      }
      labels.push(...r.value.labels);
      refused += r.value.refused.length;
      setProgress({ done: labels.length, total: parcels.length });
    }
    props.onPrinted(labels, refused);
  };

  return (
    <Modal title={tr.t('waybill.title')} onClose={props.onClose}>
      <p className="muted">{tr.t('waybill.help')}</p>
      {skipped > 0 ? <p role="note">{tr.t('waybill.skippedVirtual', { count: skipped })}</p> : null}
      <div className="form">
        <label className="field">
          <span>{tr.t('ship.carrier')}</span>
          <select
            value={carrier}
            onChange={(e) => setCarrier(e.target.value)}
            data-testid="waybill-carrier"
          >
            {WAYBILL_CARRIERS.map((id) => (
              <option key={id} value={id}>
                {tr.dyn(`carrier.${id}`, id)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {progress ? (
        <div role="status" className="batch-progress">
          <label>
            <span>{tr.t('waybill.busy', { done: progress.done, total: progress.total })}</span>
            <progress max={progress.total} value={progress.done} />
          </label>
        </div>
      ) : null}
      {error ? (
        <div role="alert" className="error" data-testid="waybill-error">
          <ErrorText error={error} />
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={props.onClose}>
          {tr.t('ship.cancel')}
        </button>
        <button
          type="button"
          disabled={parcels.length === 0 || progress !== null}
          onClick={() => void submit()}
          data-testid="waybill-submit"
        >
          {tr.t('waybill.submit', { count: parcels.length })}
        </button>
      </div>
    </Modal>
  );
}
