import { useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';

type Metrics = MethodOutput<'disputes.metrics'>;

interface Series {
  label: string;
  className: string;
  values: number[];
}

const H = 220;
const PAD = { left: 72, right: 12, top: 12, bottom: 30 };

/**
 * The chart's own width in CSS pixels, followed as the window changes: the SVG is drawn at
 * that width (not scaled from a fixed one), so it spans its card and its text stays its size.
 */
function useWidth<T extends Element>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(320, Math.floor(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

/**
 * Grouped bars as plain SVG: one group per category, one bar per series, across the full
 * width of the view. The numbers are also in a table for screen readers and for copying.
 */
function BarChart(props: {
  title: string;
  categories: string[];
  series: Series[];
  format(v: number): string;
  testId: string;
}) {
  const [ref, W] = useWidth<HTMLElement>(960);
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const groupW = innerW / Math.max(1, props.categories.length);
  const barW = Math.max(2, (groupW - 8) / props.series.length);
  const y = (v: number) => PAD.top + innerH - (innerH * v) / max;
  return (
    <figure className="chart" ref={ref}>
      <figcaption>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={props.title}
        data-testid={props.testId}
      >
        {[...new Set([0, 0.5, 1].map((f) => Math.round(max * f)))].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="chart-label">
              {props.format(v)}
            </text>
          </g>
        ))}
        {props.categories.map((c, i) => (
          <g key={c}>
            {props.series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect
                  key={s.label}
                  x={PAD.left + i * groupW + 4 + j * barW}
                  y={y(v)}
                  width={barW - 1}
                  height={Math.max(0, PAD.top + innerH - y(v))}
                  className={s.className}
                >
                  <title>{`${c} · ${s.label}: ${props.format(v)}`}</title>
                </rect>
              );
            })}
            <text
              x={PAD.left + i * groupW + groupW / 2}
              y={H - 10}
              textAnchor="middle"
              className="chart-label"
            >
              {c}
            </text>
          </g>
        ))}
      </svg>
      <div className="legend">
        {props.series.map((s) => (
          <span key={s.label} className={`legend-item ${s.className}`}>
            ■ {s.label}
          </span>
        ))}
      </div>
      <table className="sr-only">
        <thead>
          <tr>
            <th />
            {props.series.map((s) => (
              <th key={s.label}>{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.categories.map((c, i) => (
            <tr key={c}>
              <th>{c}</th>
              {props.series.map((s) => (
                <td key={s.label}>{props.format(s.values[i] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Senior agents' view of the desk: backlog age, decisions, approval rate, money per week. */
export function DeskMetricsView() {
  const tr = useTr();
  const { desk } = useStores();
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    void desk.disputes.metrics({}).then((r) => {
      if (r.ok) setMetrics(r.value);
      else setError(r.error);
    });
  }, [desk]);
  const count = (v: number) => tr.number(v);
  const hours = (ms: number) => tr.t('dispute.metrics.hours', { hours: ms / 3_600_000 });
  return (
    <section className="view disputes" aria-labelledby="metrics-title" data-testid="desk-metrics">
      <div className="view-head">
        <h1 id="metrics-title">{tr.t('dispute.metrics.title')}</h1>
      </div>
      {error ? (
        <div role="alert" className="bad">
          <ErrorText error={error} wrap={(message) => tr.t('dispute.common.error', { message })} />
        </div>
      ) : null}
      {metrics ? (
        <div className="charts">
          <p className="card" data-testid="approval-rate">
            <span className="card-label">{tr.t('dispute.metrics.approvalRate')}</span>{' '}
            <span className="card-value">
              {metrics.approvalRate.rate === null ? '—' : tr.percent(metrics.approvalRate.rate)}
            </span>{' '}
            <span className="muted">
              ({tr.t('dispute.metrics.approved')} {tr.number(metrics.approvalRate.approved)} ·{' '}
              {tr.t('dispute.metrics.rejected')} {tr.number(metrics.approvalRate.rejected)})
            </span>
          </p>
          <p className="card" data-testid="time-to-resolve">
            <span className="card-label">{tr.t('dispute.metrics.timeToResolve')}</span>{' '}
            <span className="card-value">
              {metrics.timeToResolve.medianMs === null
                ? '—'
                : hours(metrics.timeToResolve.medianMs)}
            </span>{' '}
            <span className="muted">
              {tr.t('dispute.metrics.resolveDetail', {
                count: metrics.timeToResolve.decided,
                p90:
                  metrics.timeToResolve.p90Ms === null ? '—' : hours(metrics.timeToResolve.p90Ms),
              })}
            </span>
          </p>
          <BarChart
            title={tr.t('dispute.metrics.openByAge')}
            testId="chart-open-by-age"
            categories={metrics.openByAge.map((b) => b.bucket)}
            series={[
              {
                label: tr.t('dispute.metrics.openByAge'),
                className: 'chart-open',
                values: metrics.openByAge.map((b) => b.count),
              },
            ]}
            format={count}
          />
          <BarChart
            title={tr.t('dispute.metrics.perAgent')}
            testId="chart-per-agent"
            categories={metrics.decisionsPerAgent.map((a) => a.displayName)}
            series={[
              {
                label: tr.t('dispute.metrics.approved'),
                className: 'chart-approved',
                values: metrics.decisionsPerAgent.map((a) => a.approved),
              },
              {
                label: tr.t('dispute.metrics.rejected'),
                className: 'chart-rejected',
                values: metrics.decisionsPerAgent.map((a) => a.rejected),
              },
              {
                label: tr.t('dispute.metrics.info'),
                className: 'chart-info',
                values: metrics.decisionsPerAgent.map((a) => a.infoRequested),
              },
            ]}
            format={count}
          />
          <BarChart
            title={tr.t('dispute.metrics.weekly')}
            testId="chart-weekly"
            categories={metrics.weekly.map((w) => tr.monthDay(w.weekStart))}
            series={[
              {
                label: tr.t('dispute.metrics.paid'),
                className: 'chart-paid',
                values: metrics.weekly.map((w) => w.paidFen),
              },
              {
                label: tr.t('dispute.metrics.recovered'),
                className: 'chart-recovered',
                values: metrics.weekly.map((w) => w.recoveredFen),
              },
            ]}
            format={(v) => tr.money(v)}
          />
          <BarChart
            title={tr.t('dispute.metrics.resolveWeekly')}
            testId="chart-resolve"
            categories={metrics.weekly.map((w) => tr.monthDay(w.weekStart))}
            series={[
              {
                label: tr.t('dispute.metrics.timeToResolve'),
                className: 'chart-resolve',
                values: metrics.weekly.map((w) => w.resolveMedianMs ?? 0),
              },
            ]}
            format={hours}
          />
        </div>
      ) : null}
    </section>
  );
}
