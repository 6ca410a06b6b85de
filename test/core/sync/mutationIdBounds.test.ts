import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPageDecoder } from '../../../electron/core/sync/pageDecoder.ts';
import { createSyncClient } from '../../../electron/core/sync/syncClient.ts';
import type { SyncTransport } from '../../../electron/core/sync/syncTransport.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import type { PushRequest, PushResponse } from '../../../shared/sync/protocol.ts';
import { paidOrdersPage } from '../../fixtures/pullPages.ts';
import { tempDb } from '../helpers/tempDb.ts';

// A server that reports more mutations processed than this desk ever made (another desk's
// numbering, or a data folder restored from a backup) must not make queued actions count as
// sent: taken as is, the push would skip them and the pull would drop them unsent.

const page = paidOrdersPage({ orders: 3, cookie: 'c1', more: false });

function desk(
  t: Parameters<typeof tempDb>[0],
  server: { push: (req: PushRequest) => PushResponse; lastMutationId: () => number },
) {
  const { db } = tempDb(t);
  const transport: SyncTransport = {
    push: async (req) => server.push(req),
    pull: async () =>
      JSON.stringify({ ...JSON.parse(page.text), lastMutationId: server.lastMutationId() }),
    chain: async () => ({ upTo: '', count: 0, head: GENESIS_HASH }),
  };
  const pageDecoder = createPageDecoder();
  t.after(() => pageDecoder.close());
  const actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' } as const;
  const client = createSyncClient({ db, transport, actor, now: () => 0, pageDecoder });
  const queued = () => db.prepare('SELECT count(*) FROM sync_outbox').pluck().get() as number;
  const note = (i: number) =>
    client.enqueue({
      type: 'annotate_order',
      orderId: 'pd00000',
      note: `call back ${i}`,
      flag: null,
    });
  return { client, queued, note };
}

test('a push answer beyond the last mutation this desk made keeps the actions queued', async (t) => {
  const d = desk(t, {
    push: () => ({ lastMutationId: 50, results: [] }),
    lastMutationId: () => 0,
  });
  await d.client.syncOnce();
  d.note(1);
  d.note(2);
  await assert.rejects(d.client.syncOnce(), /never made/);
  assert.equal(d.queued(), 2);
  await d.client.stop();
});

test('a final page confirming more than this desk made drops nothing', async (t) => {
  let processed = 0;
  const d = desk(t, {
    push: (req) => {
      processed = Math.max(processed, ...req.mutations.map((m) => m.id));
      return {
        lastMutationId: processed,
        results: req.mutations.map((m) => ({ id: m.id, status: 'applied' as const })),
      };
    },
    lastMutationId: () => processed,
  });
  await d.client.syncOnce();
  d.note(1);
  processed = 49; // the server counts another desk's 49 mutations as this one's
  await assert.rejects(d.client.syncOnce(), /never made/);
  assert.equal(d.queued(), 1, 'the queued note is still there');
  await d.client.stop();
});
