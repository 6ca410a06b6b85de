import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SyncTransport } from '../../electron/core/sync/syncTransport.ts';
import { createHttpTransport } from '../../electron/core/sync/syncTransport.ts';
import { createServerClient } from '../../electron/net/serverClient.ts';
import { paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';

// A push of many actions is confirmed by a pull of several pages, and the outbox lets go of
// the pushed rows only at the pull's last page (only its lastMutationId is consistent). On
// every page before it, the orders it brings already hold the actions' events: the overlay must
// show them as done, not replay them on top (a second ship fails and was flagged "likely
// refused" until the last page).

let server: SyncTestServer;
let dir: string;
const ORDERS = 210;
const id = (i: number) => `cp${String(i).padStart(4, '0')}`;

before(async () => {
  server = await startSyncServer('sync_confirming_pull', { sellers: 1, buyers: 1 });
  dir = tempDir();
  for (let i = 0; i < ORDERS; i += 10)
    await Promise.all(Array.from({ length: 10 }, (_, k) => paidOrder(server, id(i + k))));
});
after(async () => {
  await server?.close();
  removeDir(dir);
});

test('pages of the pull that confirms a push show its actions as done, never as refused', async () => {
  // Pages of 140 changes (an order and its event each): 70 orders a page, over the overlay's
  // many-orders path, and a last page for the rest. A pull that finds more than a page asks
  // for the rest at the bootstrap's size, so that is 140 too.
  const desk = openDesk(
    join(dir, 'a.sqlite'),
    server.url,
    server.tokens.get('staff1')!,
    server.actors.get('staff1')!,
    { pullLimit: 140, bootstrapPageLimit: 140 },
  );
  try {
    await syncUntilDone(desk);
    for (let i = 0; i < ORDERS; i++)
      desk.client.enqueue({
        type: 'ship',
        orderId: id(i),
        carrier: 'sf',
        trackingNo: `SF${700000 + i}`,
      });

    const flagged = desk.db.prepare<[], { n: number }>(
      'SELECT count(*) AS n FROM sync_outbox WHERE local_error_code IS NOT NULL',
    );
    const pages: { orders: number; flagged: number; notShipped: string[] }[] = [];
    const stop = desk.client.onOrdersChanged((ids) => {
      pages.push({
        orders: ids.length,
        flagged: flagged.get()!.n,
        notShipped: ids.filter((o) => desk.client.getOrder(o)?.order.status !== 'shipped'),
      });
    });
    await syncUntilDone(desk);
    stop();

    assert.ok(pages.length >= 3, `the pull took ${pages.length} pages`);
    for (const page of pages) {
      assert.equal(page.flagged, 0, 'an applied action was flagged as likely refused');
      assert.deepEqual(page.notShipped, []);
    }
    assert.equal(desk.client.pendingCount(), 0);
    assert.deepEqual(desk.client.issues(), []);
    // Confirmed, not provisional, and once: one shipment event per order in the timeline.
    const order = desk.client.getOrder(id(77));
    assert.equal(order?.provisional, false);
    const ships = desk.db
      .prepare("SELECT count(*) AS n FROM sync_order_events WHERE type = 'order_shipped'")
      .get() as { n: number };
    assert.equal(ships.n, ORDERS);
  } finally {
    desk.close();
  }
});

test('a pull that finds a backlog asks for the rest of it at the bootstrap page size', async () => {
  const http = createHttpTransport(
    createServerClient({ baseUrl: server.url, token: () => server.tokens.get('staff1')! }),
  );
  const limits: (number | undefined)[] = [];
  // Every page asked here, none by the decoding thread (a transport without `connection`).
  const transport: SyncTransport = {
    push: (req) => http.push(req),
    chain: (query) => http.chain(query),
    pull: (req) => (limits.push(req.limit), http.pull(req)),
  };
  const desk = openDesk(
    join(dir, 'b.sqlite'),
    server.url,
    server.tokens.get('staff1')!,
    server.actors.get('staff1')!,
    { transport, pullLimit: 20, bootstrapPageLimit: 1000 },
  );
  try {
    await syncUntilDone(desk);
    // Thirty new sales while the desk looks away: about a hundred changes.
    await Promise.all(Array.from({ length: 30 }, (_, k) => paidOrder(server, `bl${k}`)));
    limits.length = 0;
    await syncUntilDone(desk);
    assert.deepEqual(limits, [20, 1000], 'one small page, then the rest in one');
    const held = desk.db
      .prepare("SELECT count(*) AS n FROM sync_orders WHERE order_id LIKE 'bl%'")
      .get() as { n: number };
    assert.equal(held.n, 30);
  } finally {
    desk.close();
  }
});
