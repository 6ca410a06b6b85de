import { printFailure } from './simulateCli.ts';
import { KNOWN_ISSUES } from './knownIssues.ts';
import { runSchedule } from './runSchedule.ts';
import { generateSchedule } from './schedule.ts';
import { simDatabaseMemoryBytes } from './simDatabase.ts';

/**
 * `npm run soak -- [--minutes 30] [--seed 1] [--steps 400]`: runs seed after seed (each a fresh
 * world of `--steps` actions) until the time is up, then reports throughput, invariant checks,
 * faults, failures and memory. The wall clock only bounds the soak; inside each run time is the
 * simulated clock, so any failure it prints replays from its seed.
 *
 * Memory: everything but PostgreSQL runs in this process (server, desk cores, simulator), so
 * "each process" is this one and its PostgreSQL backend. Growth compares the heap after a
 * forced collection (run with --expose-gc) over the first and the last quarter of the runs.
 */
interface Sample {
  atMs: number;
  rss: number;
  heapUsed: number;
  pgBackend: number;
}

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

function parse(argv: string[]): { minutes: number; seed: number; steps: number } {
  const o = { minutes: 30, seed: 1, steps: 400 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = Number(argv[++i]);
    if (!Number.isFinite(v)) throw new Error(`${a} needs a number`);
    if (a === '--minutes') o.minutes = v;
    else if (a === '--seed') o.seed = v;
    else if (a === '--steps') o.steps = v;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function soak(argv: string[]): Promise<number> {
  const o = parse(argv);
  const gc = (globalThis as { gc?: () => void }).gc;
  const t0 = performance.now();
  const deadline = t0 + o.minutes * 60_000;
  const totals = {
    runs: 0,
    steps: 0,
    checks: 0,
    http: 0,
    mutations: 0,
    timers: 0,
    kills: 0,
    restarts: 0,
    heals: 0,
  };
  const faults: Record<string, number> = {};
  const known: Record<string, number> = {};
  const failures: string[] = [];
  const samples: Sample[] = [];
  let peakRss = 0;
  let peakHeap = 0;
  let peakPg = 0;
  let seed = o.seed;
  console.log(`soak: ${o.minutes} min, seeds from ${o.seed}, ${o.steps} steps each`);
  while (performance.now() < deadline) {
    const actions = generateSchedule(seed, o.steps);
    const r = await runSchedule(seed, actions, { tolerate: KNOWN_ISSUES });
    totals.runs++;
    totals.steps += r.steps;
    totals.checks += r.counters.invariantChecks;
    totals.http += r.counters.httpCalls;
    totals.mutations += r.counters.deskEnqueued;
    totals.timers += r.counters.timersFired;
    totals.kills += r.kills;
    totals.restarts += r.restarts;
    totals.heals += r.counters.heals;
    for (const [k, v] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.knownIssueHits)) known[k] = (known[k] ?? 0) + v;
    if (r.failure) {
      failures.push(`seed=${seed} step=${r.failure.step} ${r.failure.invariant}`);
      printFailure(r, actions);
    }
    gc?.();
    const m = process.memoryUsage();
    const pg = await simDatabaseMemoryBytes();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakPg = Math.max(peakPg, pg);
    samples.push({ atMs: performance.now() - t0, rss: m.rss, heapUsed: m.heapUsed, pgBackend: pg });
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `  seed=${seed} ${r.failure ? 'FAILED' : 'ok'} total_steps=${totals.steps} ` +
        `steps_per_s=${(totals.steps / secs).toFixed(1)} rss=${mb(m.rss)} heap=${mb(m.heapUsed)} ` +
        `pg_backend=${mb(pg)}`,
    );
    seed++;
  }
  const secs = (performance.now() - t0) / 1000;
  const q = Math.max(1, Math.floor(samples.length / 4));
  const first = samples.slice(0, q);
  const last = samples.slice(-q);
  const growth = (pick: (s: Sample) => number) => {
    const a = median(first.map(pick));
    const b = median(last.map(pick));
    // More than 20 % and 5 MB up between the first and last quarter counts as growth.
    const grew = samples.length >= 8 && b - a > Math.max(5 * MB, a * 0.2);
    return `${mb(a)} -> ${mb(b)} (${grew ? 'GREW' : 'flat'})`;
  };
  console.log('soak report');
  console.log(
    `  wall time          ${secs.toFixed(0)} s, ${totals.runs} runs (seeds ${o.seed}..${seed - 1})`,
  );
  console.log(`  steps              ${totals.steps} (${(totals.steps / secs).toFixed(2)} steps/s)`);
  console.log(
    `  invariant checks   ${totals.checks} (after every step) + ${totals.heals} convergence checks`,
  );
  console.log(
    `  actions            http=${totals.http} desk_mutations=${totals.mutations} timer_firings=${totals.timers}`,
  );
  console.log(
    `  faults injected    ${JSON.stringify(faults)} server_restarts=${totals.restarts} desk_kills=${totals.kills}`,
  );
  console.log(
    `  failures           ${failures.length}${failures.length ? `: ${failures.join('; ')}` : ''}`,
  );
  console.log(`  known issue hits   ${JSON.stringify(known)}`);
  console.log(`  memory, simulator process (server + desks + simulator):`);
  console.log(
    `    peak rss ${mb(peakRss)}, peak heap ${mb(peakHeap)}${gc ? '' : ' (no --expose-gc: heap figures include garbage)'}`,
  );
  console.log(`    heap after gc, first vs last quarter: ${growth((s) => s.heapUsed)}`);
  console.log(`    rss, first vs last quarter: ${growth((s) => s.rss)}`);
  console.log(
    `  memory, PostgreSQL backend: peak ${mb(peakPg)}; first vs last quarter: ${growth((s) => s.pgBackend)}`,
  );
  return failures.length === 0 ? 0 : 1;
}
