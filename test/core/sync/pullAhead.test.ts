import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPageDecoder } from '../../../electron/core/sync/pageDecoder.ts';
import { createSyncClient } from '../../../electron/core/sync/syncClient.ts';
import type { SyncTransport } from '../../../electron/core/sync/syncTransport.ts';
import { networkFailure } from '../../../electron/net/serverClient.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import type { PullRequest } from '../../../shared/sync/protocol.ts';
import { paidOrdersPage } from '../../fixtures/pullPages.ts';
import { tempDb } from '../helpers/tempDb.ts';

// The puller asks for page N+1 before it writes page N (syncPull.ts), so the next page is
// fetched and decoded meanwhile. Each page must still be asked for by the cookie of the page
// before it, and a failed ask ahead must never cost the page already in hand.

const pages = [
  paidOrdersPage({ from: 0, orders: 30, cookie: 'c1', more: true }),
  paidOrdersPage({ from: 30, orders: 30, cookie: 'c2', more: true }),
  paidOrdersPage({ from: 60, orders: 30, cookie: 'c3', more: false }),
];

function deskWith(t: Parameters<typeof tempDb>[0], answer: (req: PullRequest) => string) {
  const { db } = tempDb(t);
  const asked: Array<string | null> = [];
  const transport: SyncTransport = {
    push: async () => ({ lastMutationId: 0, results: [] }),
    pull: async (req) => {
      asked.push(req.cookie);
      return answer(req);
    },
    chain: async () => ({ upTo: '', count: 0, head: GENESIS_HASH }),
  };
  // Pages this size go to the decoding thread once it has loaded.
  const pageDecoder = createPageDecoder({ minWorkerBytes: 1024 });
  t.after(() => pageDecoder.close());
  const actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' } as const;
  const client = createSyncClient({ db, transport, actor, now: () => 0, pageDecoder });
  const orders = () => db.prepare('SELECT count(*) FROM sync_orders').pluck().get() as number;
  const cookie = () =>
    db.prepare("SELECT value FROM sync_meta WHERE key = 'cookie'").pluck().get() ?? null;
  return { db, client, asked, orders, cookie, pageDecoder };
}

const byCookie = (req: PullRequest) =>
  pages[req.cookie === null ? 0 : Number(req.cookie.slice(1))]!.text;

test('each page is asked for by the cookie of the page before it, decoded on the thread', async (t) => {
  const d = deskWith(t, byCookie);
  assert.equal(await d.pageDecoder.warm(), true);
  await d.client.syncOnce();
  assert.deepEqual(d.asked, [null, 'c1', 'c2']);
  assert.equal(d.orders(), 90);
  assert.equal(d.cookie(), 'c3');
  assert.equal(d.pageDecoder.decodedOnThread(), 3);
  await d.client.stop();
});

test('when asking ahead fails, the page in hand is still written first', async (t) => {
  let down = true;
  const d = deskWith(t, (req) => {
    if (req.cookie === 'c1' && down) throw networkFailure('the line dropped');
    return byCookie(req);
  });
  await assert.rejects(d.client.syncOnce(), /the line dropped/);
  // Page 1 was in hand when page 2's ask failed: it is stored, with its cookie.
  assert.equal(d.orders(), 30);
  assert.equal(d.cookie(), 'c1');
  down = false;
  await d.client.syncOnce();
  assert.deepEqual(d.asked, [null, 'c1', 'c1', 'c2']);
  assert.equal(d.orders(), 90);
  assert.equal(d.cookie(), 'c3');
  await d.client.stop();
});

test('a page that does not decode is asked for again, and nothing of it is stored', async (t) => {
  let garbled = true;
  const d = deskWith(t, (req) => {
    const text = byCookie(req);
    return req.cookie === 'c1' && garbled ? text.slice(0, text.length / 2) : text;
  });
  await assert.rejects(d.client.syncOnce(), (err: unknown) => {
    return (err as { transient?: boolean }).transient === true;
  });
  assert.equal(d.orders(), 30);
  assert.equal(d.cookie(), 'c1');
  garbled = false;
  await d.client.syncOnce();
  assert.equal(d.orders(), 90);
  await d.client.stop();
});
