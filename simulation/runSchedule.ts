import { createHash } from 'node:crypto';
import { executeAction } from './executeAction.ts';
import { checkInvariants } from './invariants.ts';
import { describeAction } from './schedule.ts';
import type { Action } from './schedule.ts';
import type { FaultStats, InjectedBug } from './simTransport.ts';
import { createWorld, SimFailure } from './world.ts';
import type { World } from './world.ts';

export interface Failure {
  /** Index of the action after which an invariant failed (actions.length: the final heal). */
  step: number;
  invariant: string;
  detail: string;
  orderIds: string[];
}

export interface RunResult {
  seed: number;
  steps: number;
  failure: Failure | null;
  /** One line per step: what was done and what came of it. */
  trace: string[];
  /** Hash of the trace and the final server state: equal for equal seeds and schedules. */
  fingerprint: string;
  counters: World['counters'];
  faults: FaultStats;
  restarts: number;
  kills: number;
  /** Hits of tolerated known-bug invariants, by name. */
  knownIssueHits: Record<string, number>;
}

/**
 * Runs a schedule against a fresh world, checking every invariant after every step, and ends
 * with a heal so convergence is always checked. Stops at the first failure.
 */
export async function runSchedule(
  seed: number,
  actions: readonly Action[],
  opts: {
    bug?: InjectedBug;
    tolerate?: readonly string[];
    onStep?: (step: number, line: string) => void;
  } = {},
): Promise<RunResult> {
  const world = await createWorld(seed, { bug: opts.bug ?? 'none', tolerate: opts.tolerate });
  const trace: string[] = [];
  let failure: Failure | null = null;
  const all: Action[] = [...actions, { kind: 'heal' }];
  try {
    for (const [step, action] of all.entries()) {
      let line = `${step} ${describeAction(action)} -> `;
      try {
        line += await executeAction(world, action);
        await checkInvariants(world);
      } catch (err) {
        failure = asFailure(step, err);
        line += `FAILED ${failure.invariant}: ${failure.detail}`;
      }
      trace.push(line);
      opts.onStep?.(step, line);
      if (failure) break;
    }
    return {
      seed,
      steps: trace.length,
      failure,
      trace,
      fingerprint: await fingerprint(world, trace),
      counters: { ...world.counters },
      faults: { ...world.faults },
      restarts: world.server.restarts(),
      kills: world.desks.reduce((n, d) => n + d.kills, 0),
      knownIssueHits: { ...world.knownIssueHits },
    };
  } finally {
    await world.close();
  }
}

function asFailure(step: number, err: unknown): Failure {
  if (err instanceof SimFailure)
    return { step, invariant: err.invariant, detail: err.detail, orderIds: err.orderIds };
  const e = err as Error;
  const where = (e?.stack ?? '').split('\n').slice(1, 3).join(' |').trim();
  return {
    step,
    invariant: 'no_unexpected_error',
    detail: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)} ${where}`,
    orderIds: [],
  };
}

/** Ids made by Web Crypto (journal txn ids, tokens) are left out: only behaviour is hashed. */
async function fingerprint(world: World, trace: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const line of trace) h.update(line).update('\n');
  const orders = await world.server.db.query<{ state: unknown }>(
    'SELECT state FROM orders ORDER BY order_id',
  );
  for (const o of orders.rows) h.update(JSON.stringify(o.state));
  const ledger = await world.server.db.query<{
    shard: number;
    seq: number;
    kind: string;
    at: number;
    order_id: string | null;
    legs: unknown;
  }>(
    `SELECT t.shard, t.seq, t.kind, t.at, t.order_id,
            json_agg(json_build_array(e.account, e.amount_fen) ORDER BY e.leg_no) AS legs
     FROM ledger_transactions t JOIN ledger_entries e ON e.txn_id = t.txn_id
     GROUP BY t.shard, t.seq, t.kind, t.at, t.order_id ORDER BY t.shard, t.seq`,
  );
  for (const t of ledger.rows) h.update(JSON.stringify(t));
  return h.digest('hex');
}

/** The history worth reading: steps that touched the failing orders, and the last few. */
export function minimalHistory(result: RunResult, tail = 8): string[] {
  const f = result.failure;
  if (!f) return [];
  return result.trace.filter(
    (line, i) => i >= result.trace.length - tail || f.orderIds.some((id) => line.includes(id)),
  );
}
