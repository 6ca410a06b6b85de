import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runSchedule } from '../../simulation/runSchedule.ts';
import type { Action } from '../../simulation/schedule.ts';
import { generateSchedule } from '../../simulation/schedule.ts';
import { shrink } from '../../simulation/shrink.ts';
import { closeSimDatabase } from '../../simulation/simDatabase.ts';

after(() => closeSimDatabase());

/**
 * `npm run simulate -- --seed 1 --steps 60 --bug drop_refund_txn --shrink` cut seed 1's 60
 * actions to these four: an order, its payment, a refund request, and the clock onto the 24 h
 * auto-approve boundary (the final heal runs the timer, and the injected bug — the desk's
 * transport dropping refund journal rows — leaves the replica one row short).
 */
const ESSENTIAL: Action[] = [
  { kind: 'create_order', buyer: 3, amountFen: 24477, goods: 'surface', dup: false },
  { kind: 'bank_notify', pick: 0.213, variant: 'genuine' },
  { kind: 'buyer_act', pick: 0.52, choice: 0.334, dup: false },
  { kind: 'clock', pick: 0.416, mode: 'at', jumpMs: 219_600_000 },
];

test('the shrinker cuts a failing schedule with an injected bug down to the actions that matter', async () => {
  // The essential actions with unrelated ones around them (all no-ops or harmless here).
  const noise = generateSchedule(99, 40).filter(
    (a) => a.kind === 'desk_offline' || a.kind === 'timers' || a.kind === 'server_restart',
  );
  const padded: Action[] = [];
  for (const [i, a] of ESSENTIAL.entries()) padded.push(...noise.slice(i * 3, i * 3 + 3), a);
  assert.ok(padded.length >= 12, `padded to ${padded.length}`);

  const failing = await runSchedule(1, padded, { bug: 'drop_refund_txn' });
  assert.equal(failing.failure?.invariant, 'converge', failing.trace.join('\n'));

  const s = await shrink(1, padded, failing, { bug: 'drop_refund_txn', maxRuns: 60 });
  assert.equal(s.result.failure?.invariant, 'converge');
  assert.ok(s.actions.length <= ESSENTIAL.length, `shrunk to ${s.actions.length} actions`);
  for (const kind of ['create_order', 'bank_notify', 'buyer_act'])
    assert.ok(
      s.actions.some((a) => a.kind === kind),
      `${kind} is needed to fail`,
    );

  // Without the bug the same minimal schedule passes: the failure was the bug's, not the rules'.
  const clean = await runSchedule(1, s.actions);
  assert.equal(clean.failure, null, clean.trace.join('\n'));
});
