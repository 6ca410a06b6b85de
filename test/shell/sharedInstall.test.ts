import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { startFaultProxy } from '../sync/faultProxy.ts';
import type { FaultProxy } from '../sync/faultProxy.ts';
import { CORE_WORKER_SOURCE, demoAccount, startDemoServer, unwrap } from './deskHostFixture.ts';

/**
 * One install, many people (issue 11): a shop computer passes from staff1 to another
 * merchant's staff, to an agent, and back. Each sees only their own scope, sync is clean for
 * each, and what staff1 queued offline before signing out waits in staff1's replica and goes
 * out when staff1 is back.
 */
let server: RunningServer;
let proxy: FaultProxy;
let host: DeskHost;
const dir = mkdtempSync(join(tmpdir(), 'desk-shared-'));

before(async () => {
  server = await startDemoServer();
  proxy = await startFaultProxy(server.url, { seed: 11 });
  host = createDeskHost({
    core: { workerEntry: CORE_WORKER_SOURCE, workerData: { dataDir: dir } },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(proxy.url),
    vault: memoryTokenVault(),
  });
});
after(async () => {
  await host?.close();
  await proxy?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Status = { state: string; pendingMutations: number; message: string | null };
type Listed = { orders: { orderId: string; merchantId: string }[] };

async function signIn(username: string): Promise<void> {
  const { password } = demoAccount(username);
  unwrap(await host.call('session.signIn', { username, password }));
}

async function syncedClean(): Promise<Status> {
  const status = unwrap<Status>(await host.call('sync.now', {}));
  assert.equal(status.state, 'idle', status.message ?? '');
  return status;
}

async function serverStatus(orderId: string): Promise<string | undefined> {
  const r = await server.ctx.db.query<{ status: string }>(
    'SELECT status FROM orders WHERE order_id = $1',
    [orderId],
  );
  return r.rows[0]?.status;
}

test('staff1, another merchant, an agent and staff1 again share one install without seeing each other', async () => {
  // staff1 works, then loses the network and ships an order: it waits in staff1's outbox.
  await signIn('staff1');
  await syncedClean();
  const mine = unwrap<Listed>(await host.call('orders.list', { limit: 200 }));
  assert.ok(mine.orders.length > 0);
  assert.ok(mine.orders.every((o) => o.merchantId === 'm-hz-tea'));
  proxy.setOffline(true);
  const commandId = uuidv7();
  unwrap(
    await host.call('shipments.ship', {
      commandId,
      orderId: 'demo-order-003',
      carrier: 'sf',
      trackingNo: 'SF123456789012',
    }),
  );
  const offline = unwrap<Status>(await host.call('sync.now', {}));
  assert.equal(offline.pendingMutations, 1);
  // Searches count the matches, and among them the orders with unsent actions.
  type Found = { total: number; pendingTotal: number };
  const search = async (text: string) =>
    unwrap<Found>(await host.call('orders.search', { text, offset: 0, limit: 10 }));
  const queued = await search('demo-order-003');
  assert.deepEqual([queued.total, queued.pendingTotal], [1, 1]);
  const untouched = await search('demo-order-018');
  assert.deepEqual([untouched.total, untouched.pendingTotal], [1, 0]);
  const all = await search('demo-order');
  assert.deepEqual([all.total, all.pendingTotal], [mine.orders.length, 1]);
  // One or two characters (below the trigram index): a case-blind substring scan.
  const two = await search('DE');
  assert.deepEqual([two.total, two.pendingTotal], [mine.orders.length, 1]);
  const tea = unwrap<{ total: number; rows: { title: string }[] }>(
    await host.call('orders.search', { text: '龙井', offset: 0, limit: 10 }),
  );
  assert.ok(tea.total >= 1);
  assert.ok(tea.rows.every((r) => r.title.includes('龙井')));
  const none = await search('Q');
  assert.equal(none.total, 0);
  assert.equal(await serverStatus('demo-order-003'), 'funds_held');
  unwrap(await host.call('session.signOut', {}));
  proxy.setOffline(false);

  // staff2 (another merchant): their own orders only, clean sync at once, nothing pending.
  await signIn('staff2');
  const status2 = await syncedClean();
  assert.equal(status2.pendingMutations, 0, 'staff1’s queued action is not staff2’s');
  const theirs = unwrap<Listed>(await host.call('orders.list', { limit: 200 }));
  assert.ok(theirs.orders.length > 0);
  assert.ok(theirs.orders.every((o) => o.merchantId === 'm-sz-elec'));
  // staff1's order reads exactly like an order that does not exist, by every path.
  const foreign = await host.call('orders.get', { orderId: 'demo-order-003' });
  assert.equal(foreign.ok ? 'ok' : foreign.error.code, 'order_not_found');
  const missing = await host.call('orders.get', { orderId: 'no-such-order' });
  assert.equal(missing.ok ? 'ok' : missing.error.code, 'order_not_found');
  const asked = unwrap<Listed>(
    await host.call('orders.list', { limit: 200, merchantId: 'm-hz-tea' }),
  );
  assert.deepEqual(asked.orders, []);
  const found = unwrap<{ total: number }>(
    await host.call('orders.search', { text: 'demo-order-003', offset: 0, limit: 10 }),
  );
  assert.equal(found.total, 0);
  const shipForeign = await host.call('shipments.ship', {
    commandId: uuidv7(),
    orderId: 'demo-order-003',
    carrier: 'sf',
    trackingNo: 'SF123456789013',
  });
  assert.equal(shipForeign.ok ? 'ok' : shipForeign.error.code, 'order_not_found');
  const balances = unwrap<{ accounts: { account: string }[] }>(
    await host.call('ledger.balances', {}),
  );
  assert.ok(balances.accounts.every((a) => a.account.startsWith('merchant:m-sz-elec:')));
  unwrap(await host.call('session.signOut', {}));

  // agent.li: the claims' orders, a clean sync, and a claim can be decided at once.
  await signIn('agent.li');
  await syncedClean();
  const queue = unwrap<{ cases: { claimId: string; orderId: string }[] }>(
    await host.call('disputes.queue', {}),
  );
  const claim1 = queue.cases.find((c) => c.claimId === 'demo-claim-1');
  assert.ok(claim1, 'the submitted demo claim is in the agent queue');
  const requested = await host.call('claims.requestSellerEvidence', {
    commandId: uuidv7(),
    orderId: claim1.orderId,
    claimId: 'demo-claim-1',
  });
  assert.ok(requested.ok, JSON.stringify(requested));
  const agentStatus = await syncedClean();
  assert.equal(agentStatus.pendingMutations, 0);
  const agentIssues = unwrap<{ issues: unknown[] }>(await host.call('sync.issues', {}));
  assert.deepEqual(agentIssues.issues, []);
  unwrap(await host.call('session.signOut', {}));

  // staff1 again: the action queued offline is still there and goes out now.
  await signIn('staff1');
  const back = await syncedClean();
  assert.equal(back.pendingMutations, 0);
  assert.equal(await serverStatus('demo-order-003'), 'shipped');
  const issues = unwrap<{ issues: unknown[] }>(await host.call('sync.issues', {}));
  assert.deepEqual(issues.issues, []);
  const verified = unwrap<{ ok: boolean; problems: unknown[] }>(
    await host.call('ledger.verify', {}),
  );
  assert.deepEqual(verified.problems, []);

  // Three people, three replica files: nothing was ever written to a shared one.
  const servers = readdirSync(join(dir, 'replicas'));
  assert.equal(servers.length, 1);
  const files = readdirSync(join(dir, 'replicas', servers[0]!)).filter((f) => f.endsWith('.db'));
  assert.equal(files.length, 3);
});
