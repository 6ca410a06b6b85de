import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOutbox } from '../../../electron/core/sync/outbox.ts';
import type { Outbox, ReplayRow } from '../../../electron/core/sync/outbox.ts';
import { createSyncMeta } from '../../../electron/core/sync/syncMeta.ts';
import type { EscrowCommand } from '../../../shared/escrow/types.ts';
import { tempDb } from '../helpers/tempDb.ts';

// A rebase reads the queued actions of many orders at once (outbox.replayByOrder): by index
// when it asks for few of the outbox's orders, by one scan of the outbox when it asks for
// about as many as it holds or more. Either way each asked order gets exactly its own rows,
// oldest first, with the server's verdicts and the local ones.

const T0 = Date.UTC(2026, 0, 5);
const note = (orderId: string, n: number): EscrowCommand => ({
  type: 'annotate_order',
  orderId,
  note: `n${n}`,
  flag: null,
});

/** What replayForOrder, the one-order read, gives for each order: the reference. */
function oneByOne(outbox: Outbox, orderIds: string[]): Map<string, ReplayRow[]> {
  const m = new Map<string, ReplayRow[]>();
  for (const id of orderIds) {
    const rows = outbox.replayForOrder(id);
    if (rows.length > 0) m.set(id, rows);
  }
  return m;
}

test('a rebase reads each asked order its own queued rows, by index or by scan', (t) => {
  const { db } = tempDb(t);
  const outbox = createOutbox(db, createSyncMeta(db));
  assert.equal(outbox.replayByOrder(['o1']).size, 0, 'an empty outbox has nothing to replay');
  const orders = Array.from({ length: 40 }, (_, i) => `o${i}`);
  // Interleaved: order i gets i % 3 + 1 actions, spread over the outbox's ids.
  db.transaction(() => {
    for (let round = 0; round < 3; round++)
      for (const [i, orderId] of orders.entries())
        if (round <= i % 3)
          outbox.append({
            commandId: `c-${orderId}-${round}`,
            command: note(orderId, round),
            clientTime: T0,
            baseState: null,
            baseVersion: null,
          });
  }).immediate();
  // The server confirmed the first ten (they leave), refused one, and one replay failed here.
  db.transaction(() => {
    outbox.dropThrough(10);
    outbox.markServerResult(41, 'rejected', { code: 'invalid_state', message: 'no' });
    outbox.setLocalError(42, 'invalid_state');
  }).immediate();
  const left = outbox.all();
  assert.equal(left.length, 79 - 10);

  // Few asked (index); most, so the scan's rows of the others are left out; every order plus
  // some the outbox never saw (scan).
  const few = ['o5', 'o17', 'o38', 'o-none'];
  const most = [...orders.slice(0, 36), 'o-none'];
  const many = [...orders, 'o-none', 'o-other'];
  for (const asked of [few, most, many]) {
    const got = outbox.replayByOrder(asked);
    assert.deepEqual(got, oneByOne(outbox, asked));
    for (const rows of got.values())
      assert.deepEqual(
        rows.map((r) => r.mutationId),
        rows.map((r) => r.mutationId).sort((a, b) => a - b),
      );
  }
  const all = outbox.replayByOrder(many);
  assert.equal([...all.values()].flat().length, left.length);
  const verdicts = [...all.values()].flat().filter((r) => r.serverStatus || r.localErrorCode);
  assert.deepEqual(
    verdicts.map((r) => [r.mutationId, r.serverStatus, r.localErrorCode]),
    [
      [41, 'rejected', null],
      [42, null, 'invalid_state'],
    ],
  );
});
