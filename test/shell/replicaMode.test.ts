import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { DEMO_ACCOUNTS } from '../../server/demo/demoAccounts.ts';
import { loadDemo } from '../../server/demo/loadDemo.ts';
import { runCommand } from '../../server/escrow/runCommand.ts';
import { randomBankKeyring } from '../../server/bank/bankKeys.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { CORE_WORKER_SOURCE, unwrap } from './deskHostFixture.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';
import { openTestDatabase } from '../server/testServer.ts';
import type { TestDatabase } from '../server/testServer.ts';

const dir = mkdtempSync(join(tmpdir(), 'desk-replica-'));
let tdb: TestDatabase;
let server: RunningServer;
let host: DeskHost;

before(async () => {
  // PostgreSQL in a schema of its own when reachable, as the other desk tests: a PGlite set up
  // in memory costs about 15 CPU-seconds before the demo loads.
  tdb = await openTestDatabase('replica_mode');
  server = await startServer({
    db: tdb.db,
    port: 0,
    logger: false,
    timerIntervalMs: false,
    bankSecrets: randomBankKeyring(),
    loginLimits: { perIpPerMinute: 100_000 },
    maxConnectionsPerAddress: 100_000,
  });
  await loadDemo(server.ctx.db);
  host = createDeskHost({
    core: {
      workerEntry: CORE_WORKER_SOURCE,
      workerData: { dataDir: dir },
    },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(server.url),
    vault: memoryTokenVault(),
  });
});
after(async () => {
  await host?.close();
  await server?.close();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('signed in against the central API, the desk syncs its orders and a shipment reaches the server', async () => {
  const staff = DEMO_ACCOUNTS.find((a) => a.role === 'seller_staff')!;
  const wrong = await host.call('session.signIn', { username: staff.username, password: 'nope' });
  assert.equal(wrong.ok ? 'ok' : wrong.error.code, 'unauthorized');

  const user = unwrap<{ user: { merchantId: string; role: string } }>(
    await host.call('session.signIn', { username: staff.username, password: staff.password }),
  );
  assert.equal(user.user.role, 'seller_staff');
  assert.equal(user.user.merchantId, staff.merchantId);

  const status = unwrap<{ state: string; message: string | null }>(await host.call('sync.now', {}));
  assert.notEqual(status.state, 'error', status.message ?? '');
  const listed = unwrap<{ orders: Array<{ orderId: string; merchantId: string; status: string }> }>(
    await host.call('orders.list', { limit: 200 }),
  );
  assert.ok(listed.orders.length > 0, 'the replica holds the merchant’s orders');
  assert.ok(listed.orders.every((o) => o.merchantId === staff.merchantId));

  const toShip = listed.orders.find((o) => o.status === 'funds_held');
  assert.ok(toShip, 'demo data has a paid order to ship');
  const shipped = unwrap<{ order: { status: string } }>(
    await host.call('shipments.ship', {
      commandId: uuidv7(),
      orderId: toShip.orderId,
      carrier: 'sf',
      trackingNo: 'SF998877665544',
    }),
  );
  assert.equal(shipped.order.status, 'shipped');

  unwrap(await host.call('sync.now', {}));
  const onServer = await server.ctx.db.query<{ status: string }>(
    'SELECT status FROM orders WHERE order_id = $1',
    [toShip.orderId],
  );
  assert.equal(onServer.rows[0]?.status, 'shipped');
  const after = unwrap<{ state: string; pendingMutations: number }>(
    await host.call('sync.status', {}),
  );
  assert.equal(after.pendingMutations, 0);
  assert.deepEqual(unwrap<{ ok: boolean }>(await host.call('ledger.verify', {})).ok, true);

  // A buyer pays for a new order and the seller ships it at once. The server pokes the desk,
  // which may or may not have pulled the order by then (a race this test does not fix; the
  // catch-up path of a desk that has not is pinned in test/sync/replicaShipMany.test.ts):
  // either way the shipment goes through and reaches the server.
  const orderId = `FRESH-${Date.now()}`;
  const clock = { now: () => Date.now() };
  const buyer = {
    role: 'buyer' as const,
    userId: DEMO_ACCOUNTS.find((a) => a.role === 'buyer')!.userId,
  };
  const created = await runCommand(
    server.ctx.db,
    {
      commandId: uuidv7(),
      actor: buyer,
      command: {
        type: 'create_order',
        orderId,
        merchantId: staff.merchantId!,
        buyerId: buyer.userId,
        currency: 'CNY',
        amountFen: 12_800,
        feeBps: 60,
        goodsKind: 'express',
        recipient: TEST_RECIPIENT,
        item: { title: '西湖龙井 250g', quantity: 1 },
      },
    },
    clock,
  );
  assert.ok(created.ok);
  const paid = await runCommand(
    server.ctx.db,
    {
      commandId: uuidv7(),
      actor: { role: 'bank', userId: 'bank:icbc' },
      command: {
        type: 'confirm_payment',
        orderId,
        bank: 'icbc',
        bankRef: `ICBC-${orderId}`,
        currency: 'CNY',
        amountFen: 12_800,
      },
    },
    clock,
  );
  assert.ok(paid.ok);
  const fresh = unwrap<{ order: { status: string } }>(
    await host.call('shipments.ship', {
      commandId: uuidv7(),
      orderId,
      carrier: 'sf',
      trackingNo: 'SF998877665551',
    }),
  );
  assert.equal(fresh.order.status, 'shipped');
  unwrap(await host.call('sync.now', {}));
  const freshOnServer = await server.ctx.db.query<{ status: string }>(
    'SELECT status FROM orders WHERE order_id = $1',
    [orderId],
  );
  assert.equal(freshOnServer.rows[0]?.status, 'shipped');
});

test('a desk restarted with a kept token is signed back in; an expired token is dropped', async () => {
  const staff = DEMO_ACCOUNTS.find((a) => a.role === 'seller_staff')!;
  const vault = memoryTokenVault();
  const second = createDeskHost({
    core: {
      workerEntry: CORE_WORKER_SOURCE,
      workerData: { dataDir: join(dir, 'desk2') },
    },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(server.url),
    vault,
  });
  try {
    unwrap(
      await second.call('session.signIn', { username: staff.username, password: staff.password }),
    );
    const token = vault.load();
    assert.ok(token);

    const kept = memoryTokenVault();
    kept.save(token);
    const restarted = createDeskHost({
      core: {
        workerEntry: CORE_WORKER_SOURCE,
        workerData: { dataDir: join(dir, 'desk3') },
      },
      settingsFile: null,
      authenticatorFor: () => serverAuthenticator(server.url),
      vault: kept,
    });
    try {
      const current = unwrap<{ user: { userId: string } | null }>(
        await restarted.call('session.current', {}),
      );
      assert.equal(current.user?.userId, staff.userId);
      const listed = unwrap<{ orders: unknown[] }>(
        await restarted.call('orders.list', { limit: 5 }),
      );
      assert.ok(Array.isArray(listed.orders));
    } finally {
      await restarted.close();
    }

    const stale = memoryTokenVault();
    stale.save('x'.repeat(43));
    const expired = createDeskHost({
      core: {
        workerEntry: CORE_WORKER_SOURCE,
        workerData: { dataDir: join(dir, 'desk4') },
      },
      settingsFile: null,
      authenticatorFor: () => serverAuthenticator(server.url),
      vault: stale,
    });
    try {
      assert.deepEqual(unwrap(await expired.call('session.current', {})), { user: null });
      assert.equal(stale.load(), null);
    } finally {
      await expired.close();
    }
  } finally {
    await second.close();
  }
});
