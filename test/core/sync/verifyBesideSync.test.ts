import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSyncClient } from '../../../electron/core/sync/syncClient.ts';
import type { SyncTransport } from '../../../electron/core/sync/syncTransport.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import { seedReplicaJournal } from '../../fixtures/replicaJournal.ts';
import { tempDb } from '../helpers/tempDb.ts';

// A verify reads the replica in other threads (journalParts.ts), bounded by a checkpoint; its
// balances are read at that checkpoint. A pull committing meanwhile could add rows the sums
// and balances disagree about, so a verify and a sync round never overlap: each waits for the
// other to finish.

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Everything already queued runs (promise jobs and callbacks), nothing that waits on I/O. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function desk(
  t: Parameters<typeof tempDb>[0],
  hold: { chain?: Promise<void>; pull?: Promise<void> },
) {
  const { db } = tempDb(t);
  seedReplicaJournal(db, { shard: 3, rows: 40 });
  const calls: string[] = [];
  const transport: SyncTransport = {
    push: async () => {
      calls.push('push');
      return { lastMutationId: 0, results: [] };
    },
    pull: async () => {
      calls.push('pull');
      await hold.pull;
      return JSON.stringify({ cookie: 'c1', lastMutationId: 0, changes: [], more: false });
    },
    chain: async () => {
      calls.push('chain');
      await hold.chain;
      return { upTo: '', count: 0, head: GENESIS_HASH };
    },
  };
  const actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' } as const;
  return { calls, client: createSyncClient({ db, transport, actor, now: () => 0 }) };
}

test('a sync round asked for during a verify starts when the verify ends', async (t) => {
  const chain = gate();
  const { calls, client } = desk(t, { chain: chain.opened });
  await client.syncOnce(); // the first download: the verify compares with the server after it
  calls.length = 0;
  const verified = client.verifyReplica();
  await settle();
  assert.deepEqual(calls, ['chain']);
  const synced = client.syncOnce();
  await settle();
  assert.deepEqual(calls, ['chain'], 'the round waits for the verify');
  chain.open();
  await Promise.all([verified, synced]);
  assert.deepEqual(calls, ['chain', 'pull']);
});

test('a verify asked for during a sync round starts when the round ends', async (t) => {
  const pull = gate();
  const { calls, client } = desk(t, { pull: pull.opened });
  const synced = client.syncOnce();
  await settle();
  assert.deepEqual(calls, ['pull']);
  const verified = client.verifyReplica();
  await settle();
  assert.deepEqual(calls, ['pull'], 'the verify waits for the round');
  pull.open();
  await synced;
  const report = await verified;
  assert.deepEqual(calls, ['pull', 'chain']);
  assert.equal(report.transactions, 40);
});
