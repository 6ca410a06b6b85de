/**
 * A small Prometheus text-format registry: counters and histograms with labels. The server
 * needs four series and no push gateway, so a dependency would buy nothing.
 */
type Labels = Record<string, string>;

const key = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map(
      (k) =>
        `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bucketsSeconds: readonly number[],
  ) {}
  observe(labels: Labels, seconds: number): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.bucketsSeconds.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (const [i, b] of this.bucketsSeconds.entries()) if (seconds <= b) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? ',' : '';
      for (const [i, b] of this.bucketsSeconds.entries())
        lines.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.counts[i]}`);
      lines.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class Metrics {
  readonly requestSeconds = new Histogram(
    'escrow_http_request_duration_seconds',
    'HTTP request latency by route and status.',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  readonly commandsApplied = new Counter(
    'escrow_commands_applied_total',
    'Escrow commands applied, by command type.',
  );
  readonly rejections = new Counter(
    'escrow_rejections_total',
    'Requests and commands refused, by error code.',
  );
  readonly timerLagSeconds = new Histogram(
    'escrow_timer_lag_seconds',
    'How late a due timer was applied, by server time.',
    [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  );
  readonly timersApplied = new Counter(
    'escrow_timers_applied_total',
    'Timer runs that applied events.',
  );

  render(): string {
    return (
      [
        this.requestSeconds,
        this.commandsApplied,
        this.rejections,
        this.timerLagSeconds,
        this.timersApplied,
      ]
        .map((m) => m.render())
        .join('\n') + '\n'
    );
  }
}
