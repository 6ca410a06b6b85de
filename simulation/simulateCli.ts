import { readFileSync, writeFileSync } from 'node:fs';
import { describeAction, generateSchedule } from './schedule.ts';
import type { Action } from './schedule.ts';
import { minimalHistory, runSchedule } from './runSchedule.ts';
import type { RunResult } from './runSchedule.ts';
import { KNOWN_ISSUES } from './knownIssues.ts';
import { shrink } from './shrink.ts';
import type { InjectedBug } from './simTransport.ts';

/**
 * `npm run simulate -- --seed N --steps M [--seeds K] [--shrink] [--bug drop_refund_txn]
 * [--verbose] [--save file.json] [--strict] [--replay file.json] [--treasury]`: runs seeds N..N+K-1; on a failure
 * prints the seed, the step and a minimal history; with --shrink cuts the schedule to the shortest
 * that still fails and saves it (--save names the file) for --replay.
 */
export interface SimulateArgs {
  seed: number;
  steps: number;
  seeds: number;
  shrink: boolean;
  bug: InjectedBug;
  verbose: boolean;
  save: string | null;
  /** Fail on the invariants of known bugs too (knownIssues.ts). */
  strict: boolean;
  /** A saved schedule ({ seed, actions }) to run instead of generating one. */
  replay: string | null;
  /** Add the treasury's actors: withdrawals, payout results, statements (issue 16). */
  treasury: boolean;
}

export function parseArgs(argv: string[]): SimulateArgs {
  const args: SimulateArgs = {
    seed: 1,
    steps: 300,
    seeds: 1,
    shrink: false,
    bug: 'none',
    verbose: false,
    save: null,
    strict: false,
    replay: null,
    treasury: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${a} needs a value`);
      return next;
    };
    if (a === '--seed') args.seed = Number(v());
    else if (a === '--steps') args.steps = Number(v());
    else if (a === '--seeds') args.seeds = Number(v());
    else if (a === '--shrink') args.shrink = true;
    else if (a === '--bug') args.bug = v() as InjectedBug;
    else if (a === '--verbose') args.verbose = true;
    else if (a === '--save') args.save = v();
    else if (a === '--strict') args.strict = true;
    else if (a === '--replay') args.replay = v();
    else if (a === '--treasury') args.treasury = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(args.seed) || !Number.isSafeInteger(args.steps) || args.steps < 0)
    throw new Error('--seed and --steps take integers');
  return args;
}

export function printFailure(
  r: RunResult,
  actions: readonly Action[],
  out = console.log,
  replay = `npm run simulate -- --seed ${r.seed} --steps ${actions.length}`,
): void {
  const f = r.failure;
  if (!f) return;
  out(`FAIL seed=${r.seed} step=${f.step} invariant=${f.invariant}`);
  out(`  ${f.detail}`);
  out(`  history (steps touching ${f.orderIds.join(', ') || 'the failure'}, and the last few):`);
  for (const line of minimalHistory(r)) out(`    ${line}`);
  out(`  replay: ${replay}`);
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  let failed = 0;
  const saved = args.replay
    ? (JSON.parse(readFileSync(args.replay, 'utf8')) as { seed: number; actions: Action[] })
    : null;
  const first = saved ? saved.seed : args.seed;
  for (let seed = first; seed < first + (saved ? 1 : args.seeds); seed++) {
    const actions = saved
      ? saved.actions
      : generateSchedule(seed, args.steps, { treasury: args.treasury });
    const t0 = performance.now();
    const tolerate = args.strict ? [] : KNOWN_ISSUES;
    const r = await runSchedule(seed, actions, {
      bug: args.bug,
      tolerate,
      onStep: args.verbose ? (_s, line) => console.log(line) : undefined,
    });
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `seed=${seed} steps=${r.steps} ${r.failure ? 'FAILED' : 'ok'} ${secs.toFixed(1)}s ` +
        `checks=${r.counters.invariantChecks} http=${r.counters.httpCalls} ` +
        `mutations=${r.counters.deskEnqueued} timers=${r.counters.timersFired} ` +
        `kills=${r.kills} restarts=${r.restarts} faults=${JSON.stringify(r.faults)} ` +
        `known_issue_hits=${JSON.stringify(r.knownIssueHits)} fingerprint=${r.fingerprint.slice(0, 16)}`,
    );
    if (!r.failure) continue;
    failed++;
    printFailure(r, actions);
    if (args.shrink) {
      const s = await shrink(seed, actions, r, {
        bug: args.bug,
        tolerate,
        log: (l) => console.log(l),
      });
      console.log(`shrunk to ${s.actions.length} actions in ${s.runs} runs:`);
      for (const a of s.actions) console.log(`    ${describeAction(a)}`);
      const file = args.save ?? `simulation-seed-${seed}-shrunk.json`;
      writeFileSync(file, JSON.stringify({ seed, actions: s.actions }, null, 2));
      printFailure(s.result, s.actions, console.log, `npm run simulate -- --replay ${file}`);
    }
  }
  return failed === 0 ? 0 : 1;
}
