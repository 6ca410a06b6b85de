import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { KNOWN_ISSUES } from '../../simulation/knownIssues.ts';
import { minimalHistory, runSchedule } from '../../simulation/runSchedule.ts';
import type { RunResult } from '../../simulation/runSchedule.ts';
import { generateSchedule } from '../../simulation/schedule.ts';
import { closeSimDatabase } from '../../simulation/simDatabase.ts';

/**
 * CI's share of the simulator: a fixed set of seeds, briefly. Each runs the real server and
 * desk cores under its seeded schedule of actors, clock jumps and faults, with every invariant
 * checked after every step and convergence checked at the end.
 */
const SEEDS = [109, 116, 125];
const STEPS = 100;

after(() => closeSimDatabase());

const runs: RunResult[] = [];

for (const seed of SEEDS) {
  test(`seed ${seed}: ${STEPS} steps keep every invariant and converge`, async () => {
    const r = await runSchedule(seed, generateSchedule(seed, STEPS), { tolerate: KNOWN_ISSUES });
    runs.push(r);
    assert.equal(
      r.failure,
      null,
      `seed ${seed} failed:\n${minimalHistory(r).join('\n')}\nreplay: npm run simulate -- --seed ${seed} --steps ${STEPS}`,
    );
    assert.equal(r.steps, STEPS + 1, 'every action ran, then the final heal');
    assert.equal(r.counters.invariantChecks, STEPS + 1, 'invariants checked after every step');
  });
}

test('the fixed seeds exercise what they are meant to', () => {
  assert.equal(runs.length, SEEDS.length);
  const sum = (f: (r: RunResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  assert.ok(sum((r) => r.counters.deskEnqueued) > 10, 'desks made mutations');
  assert.ok(sum((r) => r.counters.httpCalls) > 50, 'buyers and the bank used the API');
  assert.ok(sum((r) => r.counters.timersFired) > 0, 'timers fired');
  assert.ok(sum((r) => r.kills) > 0, 'desks were killed mid-sync');
  assert.ok(sum((r) => r.restarts) > 0, 'the server restarted');
  assert.ok(sum((r) => r.faults.cut + r.faults.duplicated) > 0, 'answers were cut or duplicated');
});
