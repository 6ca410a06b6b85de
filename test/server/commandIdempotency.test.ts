// A command id is bound to its user and its command, not to the user's role or merchant of the
// moment: a desk whose user was promoted re-sends, under the same id, a command the server
// applied before the answer got back, and must get that command's outcome, not a refusal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMerchant } from '../../server/auth/users.ts';
import { applyCommand } from '../../server/escrow/applyCommand.ts';
import { canonicalJson } from '../../shared/ledger/canonicalJson.ts';
import { sha256Hex } from '../../server/common/sha256.ts';
import type { Actor, CommandEnvelope } from '../../shared/escrow/types.ts';
import { orderLifecycle } from '../../bench/orderLifecycle.ts';
import { openTestDatabase } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

const T0 = Date.UTC(2026, 0, 5);

describe('command ids across a change of role', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('cmd_idem');
    await createMerchant(t.db, { merchantId: 'm1', name: 'Tea', feeBps: 60 }, T0);
  });
  after(() => t.drop());

  const apply = (e: CommandEnvelope, at: number) =>
    t.db.transaction((tx) => applyCommand(tx, e, at));

  it('the same user, promoted, re-sending an applied command gets its outcome again', async () => {
    const [create, pay, ship] = orderLifecycle('idem-1', 'm1', 5_000);
    assert.ok((await apply(create!, T0)).ok);
    assert.ok((await apply(pay!, T0 + 1)).ok);
    const first = await apply(ship!, T0 + 2);
    assert.ok(first.ok, JSON.stringify(first));
    const staff = ship!.actor;
    const promoted: Actor = { ...staff, role: 'seller_admin' };
    const again = await apply({ ...ship!, actor: promoted }, T0 + 3);
    assert.deepEqual(again, { ...first, replayed: true });
    // Another user under that id, or another command, is still refused.
    const other = await apply({ ...ship!, actor: { ...staff, userId: 's-other' } }, T0 + 4);
    assert.equal(!other.ok && other.error.code, 'idempotency_conflict');
    const changed = await apply(
      { ...ship!, command: { ...ship!.command, trackingNo: 'SF00000000' } } as CommandEnvelope,
      T0 + 5,
    );
    assert.equal(!changed.ok && changed.error.code, 'idempotency_conflict');
  });

  it('a command stored under the former hash (the whole actor) still replays', async () => {
    const [create, pay, ship] = orderLifecycle('idem-2', 'm1', 5_000);
    await apply(create!, T0);
    await apply(pay!, T0 + 1);
    const first = await apply(ship!, T0 + 2);
    assert.ok(first.ok);
    const former = sha256Hex(canonicalJson({ actor: ship!.actor, command: ship!.command }));
    await t.db.query('UPDATE commands SET payload_sha256 = $2 WHERE command_id = $1', [
      ship!.commandId,
      former,
    ]);
    assert.deepEqual(await apply(ship!, T0 + 3), { ...first, replayed: true });
  });
});
