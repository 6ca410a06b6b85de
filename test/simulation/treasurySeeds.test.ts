import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { KNOWN_ISSUES } from '../../simulation/knownIssues.ts';
import { minimalHistory, runSchedule } from '../../simulation/runSchedule.ts';
import type { RunResult } from '../../simulation/runSchedule.ts';
import { generateSchedule } from '../../simulation/schedule.ts';
import { closeSimDatabase } from '../../simulation/simDatabase.ts';

/**
 * CI's share of the treasury simulation (issue 16): fixed seeds with withdrawals, payout batches,
 * payout results (repeated, contradicting, forged, stale) and statements (clean, with a
 * duplicate, an unknown line, a reversal, a missing line, imported again) mixed into the escrow
 * schedule; every invariant, reconciliation included, is checked after every step.
 * `npm run simulate -- --treasury --seed N --steps M` runs more.
 */
const SEEDS = [11, 5];
const STEPS = 200;

after(() => closeSimDatabase());

const runs: RunResult[] = [];

for (const seed of SEEDS) {
  test(`treasury seed ${seed}: ${STEPS} steps keep every invariant and reconcile`, async () => {
    const r = await runSchedule(seed, generateSchedule(seed, STEPS, { treasury: true }), {
      tolerate: KNOWN_ISSUES,
    });
    runs.push(r);
    assert.equal(
      r.failure,
      null,
      `seed ${seed} failed:\n${minimalHistory(r).join('\n')}\nreplay: npm run simulate -- --treasury --seed ${seed} --steps ${STEPS}`,
    );
    assert.equal(r.counters.invariantChecks, STEPS + 1);
  });
}

test('the treasury seeds exercise what they are meant to', () => {
  const lines = runs.flatMap((r) => r.trace);
  const has = (re: RegExp) => lines.some((l) => re.test(l));
  assert.ok(has(/withdraw \d+ of \d+: 201/), 'a withdrawal was reserved');
  assert.ok(has(/-> paid wd-\S+ 200/), 'a payout was paid');
  assert.ok(has(/-> failed wd-\S+ 200/), 'a payout failed and was returned');
  assert.ok(has(/statement \S+ \w+: [1-9]\d* lines/), 'a statement with lines was imported');
  assert.ok(has(/reimport \S+: duplicate/), 'a statement was imported twice');
});
