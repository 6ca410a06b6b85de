import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { base64Bytes, bytesBase64, saveFile } from '../../app/files.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

type Overview = MethodOutput<'treasury.overview'>;
type ReconException = MethodOutput<'treasury.exceptions'>['exceptions'][number];

/**
 * Finance at a glance (issue 16): today's reconciliation status, matched lines and open
 * exceptions over the last statements, the exceptions queue with its resolutions, and the daily
 * report. Adjustments are maker-checker: the server refuses a maker approving their own.
 */
export function FinanceView() {
  const tr = useTr();
  const stores = useStores();
  const { desk } = stores;
  const me = useStore(stores.session, (s) => s.user?.userId);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [exceptions, setExceptions] = useState<ReconException[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const load = useCallback(
    () =>
      Promise.all([desk.treasury.overview({}), desk.treasury.exceptions({})]).then(([o, x]) => {
        if (o.ok) setOverview(o.value);
        if (x.ok) setExceptions(x.value.exceptions.filter((e) => e.status !== 'resolved'));
        setError(!o.ok ? o.error : !x.ok ? x.error : null);
      }),
    [desk],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const latest = overview?.statements[0];
  const act = async (run: () => Promise<{ ok: boolean; error?: ErrorInfo }>) => {
    const r = await run();
    setError(r.ok ? null : (r.error ?? null));
    await load();
  };
  const report = async (statementId: string, format: 'pdf' | 'csv', lang: 'zh' | 'en') => {
    const r = await desk.treasury.report({ statementId, format, lang });
    if (!r.ok) return setError(r.error);
    saveFile(
      r.value.fileName,
      format === 'pdf' ? 'application/pdf' : 'text/csv',
      base64Bytes(r.value.base64),
    );
  };

  return (
    <section className="view" aria-labelledby="finance-title" data-testid="finance">
      <div className="view-head">
        <h1 id="finance-title">{tr.t('treasury.finance.title')}</h1>
      </div>
      <ErrorAlert error={error} />
      <div className="cards" data-testid="finance-cards">
        <div className="card">
          <div className="muted">{tr.t('treasury.finance.latest')}</div>
          <strong>{latest ? `${latest.bank.toUpperCase()} ${latest.statementDate}` : '—'}</strong>
        </div>
        <div className="card">
          <div className="muted">{tr.t('treasury.finance.matched')}</div>
          <strong data-testid="finance-matched">
            {latest ? `${tr.number(latest.matched)} / ${tr.number(latest.lines)}` : '—'}
          </strong>
        </div>
        <div className="card">
          <div className="muted">{tr.t('treasury.finance.open')}</div>
          <strong data-testid="finance-open">{tr.number(overview?.openExceptions ?? 0)}</strong>
        </div>
        <div className="card">
          <div className="muted">{tr.t('treasury.finance.waiting')}</div>
          <strong>{tr.number(overview?.adjustmentsWaiting ?? 0)}</strong>
        </div>
        <div className="card">
          <div className="muted">{tr.t('treasury.finance.payouts')}</div>
          <strong>
            {tr.number(overview?.withdrawals.requested ?? 0)} /{' '}
            {tr.number(overview?.withdrawals.sent ?? 0)}
          </strong>
        </div>
      </div>
      <ImportForm onDone={load} />
      <h2>{tr.t('treasury.finance.trend')}</h2>
      <TrendChart statements={overview?.statements ?? []} />
      <h2>{tr.t('treasury.finance.statements')}</h2>
      <table className="table" data-testid="statement-list">
        <tbody>
          {(overview?.statements ?? []).map((s) => (
            <tr key={s.statementId}>
              <td>
                {s.bank.toUpperCase()} {s.statementDate}
              </td>
              <td>{tr.money(s.closingFen)}</td>
              <td>
                {(['zh', 'en'] as const).map((lang) =>
                  (['pdf', 'csv'] as const).map((format) => (
                    <button
                      key={`${lang}-${format}`}
                      type="button"
                      onClick={() => void report(s.statementId, format, lang)}
                    >
                      {tr.t(`treasury.finance.report.${format}.${lang}`)}
                    </button>
                  )),
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{tr.t('treasury.finance.queue')}</h2>
      {exceptions.length === 0 ? (
        <p className="muted">{tr.t('treasury.finance.queueEmpty')}</p>
      ) : null}
      <table className="table" data-testid="exception-list">
        <tbody>
          {exceptions.map((x) => (
            <ExceptionRow key={x.exceptionId} x={x} me={me ?? ''} act={act} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Finance imports the bank's daily statement; the format is told by the file's first byte. */
function ImportForm({ onDone }: { onDone(): Promise<void> }) {
  const tr = useTr();
  const { desk } = useStores();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  return (
    <form
      className="card"
      data-testid="statement-import"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return;
        const bytes = new Uint8Array(await file.arrayBuffer());
        const r = await desk.treasury.importStatement({
          bank: 'icbc',
          format: bytes[0] === 0x3c || bytes[3] === 0x3c ? 'camt053' : 'csv',
          base64: bytesBase64(bytes),
        });
        setError(r.ok ? null : r.error);
        if (r.ok) {
          const s = r.value.statement;
          setResult(
            s.duplicate
              ? tr.t('treasury.finance.importedAgain')
              : tr.t('treasury.finance.imported', {
                  date: s.statementDate,
                  lines: s.lineCount,
                  matched: s.matched,
                  exceptions: s.exceptions,
                }),
          );
          await onDone();
        }
      }}
    >
      <label>
        {tr.t('treasury.finance.import')}
        <input
          type="file"
          accept=".xml,.csv,application/xml,text/csv"
          data-testid="statement-file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" disabled={!file}>
        {tr.t('treasury.finance.importButton')}
      </button>
      {result ? (
        <p role="status" data-testid="statement-imported">
          {result}
        </p>
      ) : null}
      <ErrorAlert error={error} />
    </form>
  );
}

function ExceptionRow(props: {
  x: ReconException;
  me: string;
  act(run: () => Promise<{ ok: boolean; error?: ErrorInfo }>): Promise<void>;
}) {
  const tr = useTr();
  const { desk } = useStores();
  const { x, me, act } = props;
  const [note, setNote] = useState('');
  const id = x.exceptionId;
  return (
    <tr data-testid="exception-row" data-kind={x.kind}>
      <td>{tr.t(`treasury.kind.${x.kind}`)}</td>
      <td className="mono">{x.bankRef}</td>
      <td>{tr.money(x.differenceFen)}</td>
      <td>{tr.t(`treasury.exception.${x.status}`)}</td>
      <td>
        {x.status === 'open' ? (
          <>
            <input
              aria-label={tr.t('treasury.exception.note')}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <button
              type="button"
              disabled={!note.trim()}
              onClick={() =>
                void act(() => desk.treasury.explainException({ exceptionId: id, note }))
              }
            >
              {tr.t('treasury.exception.explain')}
            </button>
            {x.differenceFen !== 0 ? (
              <button
                type="button"
                disabled={!note.trim()}
                onClick={() =>
                  void act(() => desk.treasury.proposeAdjustment({ exceptionId: id, reason: note }))
                }
              >
                {tr.t('treasury.exception.propose')}
              </button>
            ) : null}
          </>
        ) : null}
        {x.status === 'adjusting' && x.adjustment ? (
          <>
            <span className="muted">
              {tr.t('treasury.exception.proposedBy', { who: x.adjustment.makerId })}
            </span>
            {x.adjustment.makerId !== me ? (
              <>
                <button
                  type="button"
                  onClick={() =>
                    void act(() =>
                      desk.treasury.decideAdjustment({ exceptionId: id, approve: true, note: '' }),
                    )
                  }
                >
                  {tr.t('treasury.exception.approve')}
                </button>
                <button
                  type="button"
                  onClick={() =>
                    void act(() =>
                      desk.treasury.decideAdjustment({ exceptionId: id, approve: false, note: '' }),
                    )
                  }
                >
                  {tr.t('treasury.exception.refuse')}
                </button>
              </>
            ) : null}
          </>
        ) : null}
      </td>
    </tr>
  );
}

/** Matched lines and open exceptions per statement day, oldest left: plain SVG bars. */
function TrendChart({ statements }: { statements: Overview['statements'] }) {
  const tr = useTr();
  const days = [...statements].slice(0, 14).reverse();
  const max = Math.max(1, ...days.map((d) => d.lines));
  const w = 28;
  return (
    <svg
      role="img"
      aria-label={tr.t('treasury.finance.trend')}
      width={Math.max(1, days.length) * w}
      height={90}
      data-testid="finance-trend"
    >
      {days.map((d, i) => {
        const h = Math.round((d.matched / max) * 70);
        const e = Math.min(70, d.openExceptions * 6);
        return (
          <g key={d.statementId}>
            <title>{`${d.statementDate}: ${d.matched}/${d.lines}, ${d.openExceptions}`}</title>
            <rect x={i * w + 4} y={80 - h} width={10} height={h} fill="#3a7" />
            <rect x={i * w + 15} y={80 - e} width={8} height={e} fill="#c33" />
          </g>
        );
      })}
    </svg>
  );
}
