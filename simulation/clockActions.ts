import { runDueTimers } from '../server/timers/timerScheduler.ts';
import { DEFAULT_POLICY } from '../shared/escrow/policy.ts';
import type { Action } from './schedule.ts';
import { SimFailure } from './world.ts';
import type { World } from './world.ts';

/**
 * The clock only moves forward, and mostly onto the edges that matter: one millisecond before
 * some order's next timer, exactly on it, or a little after — so every boundary (72 h unpaid,
 * 24/36 h refund answer, 3/10/30-day auto-confirm, 5/7-day return and escalation windows,
 * 3-day evidence) is crossed on both sides.
 */
export async function moveClock(
  world: World,
  a: Extract<Action, { kind: 'clock' }>,
): Promise<string> {
  const clock = world.server.clock;
  const now = clock.now();
  let target = now + a.jumpMs;
  if (a.mode !== 'jump') {
    const due = await world.server.db.query<{ order_id: string; next_timer_at: number }>(
      'SELECT order_id, next_timer_at FROM orders WHERE next_timer_at > $1 ORDER BY order_id',
      [now],
    );
    const row = due.rows[Math.floor(a.pick * due.rows.length)];
    if (row) {
      const at = row.next_timer_at;
      target =
        a.mode === 'before' ? at - 1 : a.mode === 'at' ? at : at + (a.jumpMs % 3_600_000) + 1;
    }
  }
  if (target <= now) target = now + 1;
  clock.set(target);
  return `clock +${((target - now) / 3_600_000).toFixed(3)}h`;
}

/**
 * One pass of the server's timer scheduler. Afterwards nothing may be left due: a timer that
 * is due and did not fire would fire late (or never).
 */
export async function runTimers(world: World): Promise<string> {
  const now = world.server.clock.now();
  const fired = await runDueTimers(world.server.db, world.server.clock, {
    policy: DEFAULT_POLICY,
  });
  world.counters.timersFired += fired;
  await checkTimersApplied(world);
  const left = await world.server.db.query<{ order_id: string }>(
    'SELECT order_id FROM orders WHERE next_timer_at <= $1',
    [now],
  );
  if (left.rowCount > 0)
    throw new SimFailure(
      'timers_settle',
      `still due after a scheduler pass: ${left.rows.map((r) => r.order_id).join(', ')}`,
      left.rows.map((r) => r.order_id),
    );
  return `timers fired for ${fired} orders`;
}

/**
 * A due timer is the rules' own decision, so the rules must never refuse it: a refusal (say a
 * refund auto-approval refused for `insufficient_funds`) leaves money stuck while the scheduler
 * quietly retries every minute.
 */
export async function checkTimersApplied(world: World): Promise<void> {
  const refused = await world.server.db.query<{ command_id: string; code: string }>(
    `SELECT command_id, result->'error'->>'code' AS code FROM commands
     WHERE command_id LIKE 'timer:%' AND (result->>'ok')::boolean = false
     ORDER BY command_id LIMIT 5`,
  );
  const first = refused.rows[0];
  if (first) {
    const orderId = first.command_id.split(':')[1] ?? '';
    throw new SimFailure(
      'timer_applies',
      `${first.command_id} refused by the rules: ${first.code}`,
      [orderId],
    );
  }
}
