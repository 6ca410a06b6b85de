import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSessionSlot } from '../../../electron/core/worker/sessionSlot.ts';

// One install serves many users in turn: a session whose close fails must not stay the one
// that answers calls.

test('a session that fails to close is no longer the current one', async () => {
  const slot = createSessionSlot<{ close(): Promise<void>; user: string }>();
  const stopped: string[] = [];
  slot.set(
    {
      user: 'staff1',
      close: () => Promise.reject(new Error('database is locked')),
    },
    [() => stopped.push('sync.status')],
  );
  assert.equal(slot.current()?.session.user, 'staff1');
  await assert.rejects(slot.clear(), /database is locked/);
  assert.equal(slot.current(), null);
  assert.deepEqual(stopped, ['sync.status'], 'its subscriptions were stopped first');
  await slot.clear();
  slot.set({ user: 'staff3', close: async () => {} }, []);
  assert.equal(slot.current()?.session.user, 'staff3');
});
