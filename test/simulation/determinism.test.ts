import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { KNOWN_ISSUES } from '../../simulation/knownIssues.ts';
import { runSchedule } from '../../simulation/runSchedule.ts';
import { generateSchedule } from '../../simulation/schedule.ts';
import { closeSimDatabase } from '../../simulation/simDatabase.ts';

after(() => closeSimDatabase());

test('one seed is one history: a run replays step for step', async () => {
  const actions = generateSchedule(42, 50);
  const a = await runSchedule(42, actions, { tolerate: KNOWN_ISSUES });
  const b = await runSchedule(42, actions, { tolerate: KNOWN_ISSUES });
  assert.deepEqual(b.trace, a.trace);
  assert.equal(b.fingerprint, a.fingerprint);
  assert.deepEqual(b.faults, a.faults);
});

test('schedules come from the seed alone', () => {
  assert.deepEqual(generateSchedule(7, 200), generateSchedule(7, 200));
  assert.notDeepEqual(generateSchedule(7, 200), generateSchedule(8, 200));
});
