import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSyncClient } from '../../../electron/core/sync/syncClient.ts';
import type { SyncTransport } from '../../../electron/core/sync/syncTransport.ts';
import { CACHE_KIB } from '../../../electron/core/store/openDatabase.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import type { PullResponse } from '../../../shared/sync/protocol.ts';
import { tempDb } from '../helpers/tempDb.ts';

// The first download runs with a small page cache (syncPull.ts); every later pull, and
// everything after the download, with the desk's full one.

function deskWith(t: Parameters<typeof tempDb>[0], pages: Array<() => PullResponse>) {
  const { db } = tempDb(t);
  const seen: number[] = [];
  let next = 0;
  const transport: SyncTransport = {
    push: async () => ({ lastMutationId: 0, results: [] }),
    pull: async () => {
      seen.push(db.pragma('cache_size', { simple: true }) as number);
      const page = pages[Math.min(next++, pages.length - 1)]!;
      return JSON.stringify(page());
    },
    chain: async () => ({ upTo: '', count: 0, head: GENESIS_HASH }),
  };
  const actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' } as const;
  const client = createSyncClient({ db, transport, actor, now: () => 0 });
  return { db, client, seen };
}

const page = (n: number, more: boolean) => (): PullResponse => ({
  cookie: `c${n}`,
  lastMutationId: 0,
  changes: [],
  more,
});

test('the first download pulls with a small page cache and gives the full one back', async (t) => {
  const { db, client, seen } = deskWith(t, [page(1, true), page(2, false), page(3, false)]);
  await client.syncOnce();
  assert.ok(seen.length === 2 && seen.every((kib) => kib > -CACHE_KIB), `${seen}`);
  assert.equal(db.pragma('cache_size', { simple: true }), -CACHE_KIB);
  await client.syncOnce();
  assert.equal(seen[2], -CACHE_KIB, 'a pull after the first download uses the full cache');
});

test('a first download that fails still gives the full cache back', async (t) => {
  const { db, client } = deskWith(t, [
    () => {
      throw new Error('network down');
    },
  ]);
  await assert.rejects(client.syncOnce());
  assert.equal(db.pragma('cache_size', { simple: true }), -CACHE_KIB);
});
