import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runSchedule } from '../../simulation/runSchedule.ts';
import type { Action } from '../../simulation/schedule.ts';
import { generateSchedule } from '../../simulation/schedule.ts';
import { shrink } from '../../simulation/shrink.ts';
import { closeSimDatabase } from '../../simulation/simDatabase.ts';

after(() => closeSimDatabase());

/**
 * The injected bug (test-only flag): the desks' transport drops `payment_confirmed` journal rows
 * from pull answers. Two actions are enough to expose it — an order and its payment — after
 * which the final heal finds every seller replica one journal row short.
 */
const ESSENTIAL: Action[] = [
  { kind: 'create_order', buyer: 3, amountFen: 24477, goods: 'surface', dup: false },
  { kind: 'bank_notify', pick: 0.213, variant: 'genuine' },
];

test('the shrinker cuts a failing schedule with an injected bug down to the actions that matter', async () => {
  // The essential actions among unrelated ones (offline periods, timer passes, restarts).
  const noise = generateSchedule(99, 60).filter(
    (a) => a.kind === 'desk_offline' || a.kind === 'timers' || a.kind === 'server_restart',
  );
  const padded: Action[] = [
    ...noise.slice(0, 4),
    ESSENTIAL[0] as Action,
    ...noise.slice(4, 8),
    ESSENTIAL[1] as Action,
    ...noise.slice(8, 10),
  ];
  assert.ok(padded.length >= 10, `padded to ${padded.length}`);

  const failing = await runSchedule(1, padded, { bug: 'drop_payment_txn' });
  assert.equal(failing.failure?.invariant, 'converge', failing.trace.join('\n'));

  const s = await shrink(1, padded, failing, { bug: 'drop_payment_txn', maxRuns: 60 });
  assert.equal(s.result.failure?.invariant, 'converge');
  assert.ok(s.actions.length <= ESSENTIAL.length, `shrunk to ${s.actions.length} actions`);
  for (const kind of ['create_order', 'bank_notify'])
    assert.ok(
      s.actions.some((a) => a.kind === kind),
      `${kind} is needed to fail`,
    );

  // Without the bug the same minimal schedule passes: the failure was the bug's, not the rules'.
  const clean = await runSchedule(1, s.actions);
  assert.equal(clean.failure, null, clean.trace.join('\n'));
});
