import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { Modal } from '../../components/Modal.tsx';
import { validRows } from '../../stores/batchShipStore.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/**
 * Ship many orders from a CSV: load or paste, check (the core names every problem of every
 * row), then apply only the rows without problems. Nothing is applied before the user confirms.
 */
export function BatchShipDialog() {
  const stores = useStores();
  const tr = useTr();
  const batch = stores.batchShip;
  const { phase, rows, results, error } = useStore(batch);
  const [text, setText] = useState('');
  const close = () => {
    batch.getState().reset();
    stores.dialogs.getState().close();
  };
  const good = validRows(rows);
  const bad = rows.length - good.length;

  return (
    <Modal title={tr.t('batch.title')} onClose={close} wide>
      <p className="muted">{tr.t('batch.help')}</p>
      <div className="form">
        <label className="field">
          <span>{tr.t('batch.file')}</span>
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            data-testid="batch-file"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) setText(await file.text());
            }}
          />
        </label>
        <label className="field">
          <span>{tr.t('batch.text')}</span>
          <textarea
            rows={5}
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="mono"
            data-testid="batch-text"
          />
        </label>
        <div className="actions">
          <button
            type="button"
            onClick={() => void batch.getState().preview(text)}
            disabled={text.trim() === '' || phase === 'checking' || phase === 'applying'}
            data-testid="batch-preview"
          >
            {tr.t('batch.preview')}
          </button>
        </div>
      </div>
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} />
        </div>
      ) : null}
      {rows.length > 0 ? (
        <>
          <p role="status" data-testid="batch-summary">
            {tr.t('batch.summary', { ok: good.length, bad })}
          </p>
          <div className="table-scroll">
            <table className="table" data-testid="batch-preview-table">
              <thead>
                <tr>
                  <th scope="col">{tr.t('batch.line')}</th>
                  <th scope="col">{tr.t('col.orderId')}</th>
                  <th scope="col">{tr.t('ship.carrier')}</th>
                  <th scope="col">{tr.t('ship.trackingNo')}</th>
                  <th scope="col">{tr.t('batch.problems')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.line}
                    className={r.problems.length ? 'row-bad' : 'row-ok'}
                    data-line={r.line}
                  >
                    <td>{r.line}</td>
                    <td className="mono">{r.orderId}</td>
                    <td>{tr.dyn(`carrier.${r.carrier}`, r.carrier)}</td>
                    <td className="mono">{r.trackingNo}</td>
                    <td>
                      {r.problems.length === 0 ? (
                        <span className="ok-text">✓ {tr.t('batch.ok')}</span>
                      ) : (
                        <ul className="problems">
                          {r.problems.map((p) => (
                            <li key={p}>✗ {tr.dyn(`problem.${p}`, p)}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {phase === 'applied' ? (
        <p role="status" className="ok-text" data-testid="batch-result">
          {tr.t('batch.applied', {
            count: results.filter((r) => r.ok).length,
            failed: results.filter((r) => !r.ok).length,
          })}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={close}>
          {tr.t('batch.close')}
        </button>
        {phase === 'previewed' || phase === 'applying' ? (
          <button
            type="button"
            disabled={good.length === 0 || phase === 'applying'}
            onClick={() => void batch.getState().apply()}
            data-testid="batch-apply"
          >
            {tr.t('batch.apply', { count: good.length })}
          </button>
        ) : null}
      </div>
    </Modal>
  );
}
