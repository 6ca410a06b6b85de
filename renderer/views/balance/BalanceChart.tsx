import type { Translator } from '../../i18n/translate.ts';
import type { BalancePoint } from '../../stores/balanceStore.ts';

const W = 720;
const H = 220;
const PAD = { left: 80, right: 16, top: 16, bottom: 28 };

/**
 * Held in escrow (line) against money released each day (bars), as plain SVG. The figures
 * behind it are also listed in a visually hidden table, for screen readers.
 */
export function BalanceChart({
  points,
  tr,
  title,
}: {
  points: BalancePoint[];
  tr: Translator;
  title: string;
}) {
  if (points.length === 0) return null;
  const max = Math.max(1, ...points.map((p) => Math.max(p.heldFen, p.releasedFen)));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (innerW * (i + 0.5)) / points.length;
  const y = (v: number) => PAD.top + innerH - (innerH * v) / max;
  const barW = Math.max(2, innerW / points.length - 4);
  const line = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.heldFen).toFixed(1)}`)
    .join(' ');
  const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} data-testid="balance-chart">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="chart-label">
              {tr.money(t)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect
            key={p.at}
            x={x(i) - barW / 2}
            y={y(p.releasedFen)}
            width={barW}
            height={Math.max(0, PAD.top + innerH - y(p.releasedFen))}
            className="chart-released"
          />
        ))}
        <path d={line} className="chart-held" fill="none" />
        {[0, points.length - 1].map((i) => (
          <text key={i} x={x(i)} y={H - 8} textAnchor="middle" className="chart-label">
            {tr.date(points[i]!.at, false)}
          </text>
        ))}
      </svg>
      <figcaption className="legend">
        <span className="legend-held">— {tr.t('balance.chartHeld')}</span>
        <span className="legend-released">▮ {tr.t('balance.chartReleased')}</span>
      </figcaption>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{tr.t('detail.time')}</th>
            <th scope="col">{tr.t('balance.chartHeld')}</th>
            <th scope="col">{tr.t('balance.chartReleased')}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.at}>
              <td>{tr.date(p.at, false)}</td>
              <td>{tr.money(p.heldFen)}</td>
              <td>{tr.money(p.releasedFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
