import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { Modal } from '../../components/Modal.tsx';
import { validRows } from '../../stores/batchShipStore.ts';
import type { PreviewRow } from '../../stores/batchShipStore.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CsvTemplateLink } from './CsvTemplateLink.tsx';

/** Rows the preview table shows at most: problems first, so none is hidden behind good rows. */
const SHOWN_ROWS = 200;

/**
 * Ship many orders from a CSV: load (any encoding, read in a worker with a progress bar) or
 * paste, check (the core names every problem of every row), then apply only the rows without
 * problems, with a count and a stop button. Nothing is applied before the user confirms.
 */
export function BatchShipDialog() {
  const stores = useStores();
  const tr = useTr();
  const batch = stores.batchShip;
  const { phase, rows, results, error, progress, encoding, cancelled } = useStore(batch);
  const [text, setText] = useState('');
  const close = () => {
    batch.getState().reset();
    stores.dialogs.getState().close();
  };
  const good = useMemo(() => validRows(rows), [rows]);
  const bad = rows.length - good.length;
  const shown = useMemo(() => {
    const problems = rows.filter((r) => r.problems.length > 0);
    const fine = rows.filter((r) => r.problems.length === 0);
    return [...problems, ...fine].slice(0, SHOWN_ROWS);
  }, [rows]);
  const busy = phase === 'reading' || phase === 'checking' || phase === 'applying';

  return (
    <Modal title={tr.t('batch.title')} onClose={close} wide>
      <p className="muted">{tr.t('batch.help')}</p>
      <p>
        <CsvTemplateLink />
      </p>
      <div className="form">
        <label className="field">
          <span>{tr.t('batch.file')}</span>
          <input
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            data-testid="batch-file"
            disabled={busy}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file)
                await batch.getState().previewFile(new Uint8Array(await file.arrayBuffer()));
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
            disabled={text.trim() === '' || busy}
            data-testid="batch-preview"
          >
            {tr.t('batch.preview')}
          </button>
        </div>
      </div>
      {progress && phase !== 'applying' ? (
        <div role="status" className="batch-progress" data-testid="batch-progress">
          <label>
            <span>
              {phase === 'reading'
                ? tr.t('batch.reading', { percent: progress.done })
                : tr.t('batch.checking', { done: progress.done, total: progress.total })}
            </span>
            <progress max={progress.total} value={progress.done} />
          </label>
        </div>
      ) : null}
      {error ? (
        <div role="alert" className="error" data-testid="batch-error">
          <ErrorText error={error} />
        </div>
      ) : null}
      {rows.length > 0 ? (
        <>
          <p role="status" data-testid="batch-summary">
            {tr.t('batch.summary', { ok: good.length, bad })}
          </p>
          {encoding ? (
            <p className="muted" data-testid="batch-encoding">
              {tr.t('batch.encoding', { encoding: tr.dyn(`encoding.${encoding}`, encoding) })}
            </p>
          ) : null}
          {rows.length > shown.length ? (
            <p className="muted">
              {tr.t('batch.shownRows', { shown: shown.length, count: rows.length })}
            </p>
          ) : null}
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
                {shown.map((r) => (
                  <PreviewLine key={r.line} row={r} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {phase === 'applying' && progress ? (
        <div role="status" className="batch-progress" data-testid="batch-applying">
          <label>
            <span>{tr.t('batch.applying', { done: progress.done, total: progress.total })}</span>
            <progress max={progress.total} value={progress.done} />
          </label>
          <button
            type="button"
            className="secondary"
            onClick={() => batch.getState().cancel()}
            data-testid="batch-cancel"
          >
            {tr.t('batch.cancel')}
          </button>
        </div>
      ) : null}
      {phase === 'applied' ? (
        <p role="status" className="ok-text" data-testid="batch-result">
          {cancelled
            ? tr.t('batch.cancelled', {
                count: results.filter((r) => r.ok).length,
                total: good.length,
              })
            : tr.t('batch.applied', {
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

function PreviewLine({ row: r }: { row: PreviewRow }) {
  const tr = useTr();
  const named = r.carrierText !== '' && r.carrierText.toLowerCase() !== r.carrier;
  return (
    <tr className={r.problems.length ? 'row-bad' : 'row-ok'} data-line={r.line}>
      <td>{r.line}</td>
      <td className="mono">{r.orderId}</td>
      <td>
        {tr.dyn(`carrier.${r.carrier}`, r.carrierText || r.carrier)}
        {named && !r.problems.includes('unknown_carrier') ? (
          <span className="muted"> ({r.carrierText})</span>
        ) : null}
      </td>
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
  );
}
