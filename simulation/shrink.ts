import type { Action } from './schedule.ts';
import { runSchedule } from './runSchedule.ts';
import type { RunResult } from './runSchedule.ts';
import type { InjectedBug } from './simTransport.ts';

/**
 * Delta debugging (Zeller's ddmin) over the list of actions: remove chunks, keep any shorter
 * schedule that still fails the same invariant, refine the chunk size, and finish with a pass
 * that tries each single action. Sound because any sub-list of a schedule is a valid schedule
 * (schedule.ts), and exact because a schedule replays deterministically from its seed.
 */
export interface ShrinkResult {
  actions: Action[];
  result: RunResult;
  runs: number;
}

export async function shrink(
  seed: number,
  actions: readonly Action[],
  failed: RunResult,
  opts: {
    bug?: InjectedBug;
    tolerate?: readonly string[];
    maxRuns?: number;
    log?: (line: string) => void;
  } = {},
): Promise<ShrinkResult> {
  const invariant = failed.failure?.invariant;
  if (!invariant) throw new Error('shrink needs a failing run');
  const maxRuns = opts.maxRuns ?? 400;
  // Nothing after the failing step matters.
  let best = actions.slice(0, Math.min(actions.length, (failed.failure?.step ?? 0) + 1));
  let bestResult = failed;
  let runs = 0;
  const fails = async (candidate: Action[]): Promise<RunResult | null> => {
    runs++;
    const r = await runSchedule(seed, candidate, {
      bug: opts.bug ?? 'none',
      tolerate: opts.tolerate ?? [],
    });
    return r.failure?.invariant === invariant ? r : null;
  };

  let n = 2;
  while (best.length >= 2 && runs < maxRuns) {
    const chunk = Math.ceil(best.length / n);
    let reduced = false;
    for (let start = 0; start < best.length && runs < maxRuns; start += chunk) {
      const complement = [...best.slice(0, start), ...best.slice(start + chunk)];
      const r = await fails(complement);
      if (r) {
        best = complement.slice(0, Math.min(complement.length, (r.failure?.step ?? 0) + 1));
        bestResult = r;
        n = Math.max(n - 1, 2);
        reduced = true;
        opts.log?.(`shrink: ${best.length} actions still fail ${invariant} (${runs} runs)`);
        break;
      }
    }
    if (!reduced) {
      if (chunk <= 1) break;
      n = Math.min(n * 2, best.length);
    }
  }
  return { actions: best, result: bestResult, runs };
}
