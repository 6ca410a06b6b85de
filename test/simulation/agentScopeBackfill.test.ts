import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runSchedule } from '../../simulation/runSchedule.ts';
import { generateSchedule } from '../../simulation/schedule.ts';
import type { Action } from '../../simulation/schedule.ts';
import { closeSimDatabase } from '../../simulation/simDatabase.ts';

after(() => closeSimDatabase());

/**
 * Found by seed 3 (`npm run simulate -- --seed 3 --steps 300 --strict`), cut down by hand along
 * the shrinker's lines: an order is paid, the agent desk syncs (no cases yet), the buyer files a
 * claim. The order enters the agent scope and arrives on the agent desk, but its
 * payment row — logged before the desk's cookie — never did, while the server's scoped chain
 * included it. Fixed: pullChanges back-fills an order's earlier rows on the page where it enters
 * the agents' scope, and the scope is monotone (an order that had a claim or an escalation stays).
 */
const SCHEDULE: Action[] = [
  { kind: 'create_order', buyer: 0, amountFen: 12_000, goods: 'express', dup: false },
  { kind: 'bank_notify', pick: 0.1, variant: 'genuine' },
  { kind: 'desk_sync', desk: 3, fault: 'none', faultAt: 0 },
  { kind: 'buyer_act', pick: 0, choice: 0.8, dup: false },
];

test('an agent desk receives the earlier journal rows of an order that enters its scope', async () => {
  const r = await runSchedule(3, SCHEDULE);
  assert.match(r.trace[3] ?? '', /claims ok/, 'the claim was filed');
  // Strict: the invariant is not tolerated here, so the run fails until the bug is fixed.
  assert.equal(r.failure, null, r.trace.join('\n'));
});

/**
 * The window that stayed open after that fix: the agent desk holds a case (its payment row is
 * seq 2) when a claim is filed on another order paid earlier (seq 1). Until the desk pulls
 * again, the server's scope counts seq 1 and the desk does not hold it. Checked as of the desk's
 * cookie, the desk's replica is whole; the invariant is strict here.
 */
const ENTRY_WINDOW: Action[] = [
  { kind: 'create_order', buyer: 0, amountFen: 12_000, goods: 'express', dup: false },
  { kind: 'create_order', buyer: 1, amountFen: 8_000, goods: 'express', dup: false },
  // pick 0.1 pays the second unpaid order first, then the only one left.
  { kind: 'bank_notify', pick: 0.1, variant: 'genuine' },
  { kind: 'bank_notify', pick: 0.1, variant: 'genuine' },
  { kind: 'buyer_act', pick: 0, choice: 0.8, dup: false },
  { kind: 'desk_sync', desk: 3, fault: 'none', faultAt: 0 },
  { kind: 'buyer_act', pick: 0.9, choice: 0.8, dup: false },
];

test("an agent desk's replica matches the server as of its last pull while new cases arrive", async () => {
  const r = await runSchedule(3, ENTRY_WINDOW);
  assert.match(r.trace[4] ?? '', /claims ok/, 'the first claim was filed');
  assert.match(r.trace[6] ?? '', /claims ok/, 'the second claim was filed');
  assert.notEqual(r.trace[4], r.trace[6], 'on two different orders');
  assert.equal(r.failure, null, r.trace.join('\n'));
});

/**
 * Seed 49: a seller desk's first sync is killed after its second bootstrap page was answered.
 * The first page's orders are stored whole, the rest not yet, so its chain could not match the
 * server's at any seq; it is compared (and matches) once the bootstrap finishes.
 */
test('a desk killed mid-bootstrap is not compared until its bootstrap finishes, then matches', async () => {
  const actions = generateSchedule(49, 25);
  assert.match(JSON.stringify(actions[21]), /kill_after_pull/);
  const r = await runSchedule(49, actions);
  assert.match(r.trace[21] ?? '', /killed after a pull page/);
  assert.equal(r.failure, null, r.trace.join('\n'));
});
