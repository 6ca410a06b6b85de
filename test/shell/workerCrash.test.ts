import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '../../shared/ids.ts';
import type { Authenticator } from '../../electron/host/sessionTypes.ts';
import { createCoreHost } from '../../electron/host/coreHost.ts';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import type { TopicName } from '../../shared/contract/types.ts';
import { signInAsSeller, startDemoHost, unwrap } from './deskHostFixture.ts';

/** Signs anyone in without a server: for host behaviour that never reaches one. */
const offlineAuthenticator: Authenticator = {
  serverUrl: 'http://127.0.0.1:9',
  signIn: async (username) => ({
    ok: true,
    value: {
      token: 't'.repeat(43),
      user: {
        userId: `u-${username}`,
        displayName: username,
        role: 'seller_staff',
        merchantId: 'm1',
      },
    },
  }),
  resume: async () => ({ ok: false, error: { code: 'unauthorized', message: 'no' } }),
  signOut: async () => undefined,
};

/** Fails the test instead of hanging when a promise never settles. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

test('a worker killed mid-flight fails in-flight calls with unavailable, restarts, and keeps committed data', async () => {
  const fixture = startDemoHost();
  const { host } = fixture;
  try {
    await signInAsSeller(host);
    const events: Array<{ topic: TopicName; payload: unknown }> = [];
    host.subscribe((topic, payload) => events.push({ topic, payload }));

    const shipped = unwrap<{ order: { status: string } }>(
      await host.call('shipments.ship', {
        commandId: uuidv7(),
        orderId: 'demo-order-003',
        carrier: 'sf',
        trackingNo: 'SF100100000001',
      }),
    );
    assert.equal(shipped.order.status, 'shipped');

    // A burst of reads and one write, then the worker dies before it can answer them all.
    const agreeId = uuidv7();
    const agree = { commandId: agreeId, orderId: 'demo-order-010', refundId: 'demo-refund-3' };
    const burst = [
      ...Array.from({ length: 300 }, (_, i) =>
        host.call(
          i % 2 ? 'orders.list' : 'orders.get',
          i % 2 ? { limit: 50 } : { orderId: 'demo-order-003' },
        ),
      ),
      host.call('refunds.agree', agree),
    ];
    await host.core.killWorker('test: simulated crash');
    const results = await within(30_000, Promise.all(burst), 'calls in flight');

    const codes = new Set(results.map((r) => (r.ok ? 'ok' : r.error.code)));
    assert.ok(
      [...codes].every((c) => c === 'ok' || c === 'unavailable'),
      `unexpected codes ${[...codes]}`,
    );
    assert.ok(codes.has('unavailable'), 'some calls must have been cut off by the crash');

    await within(60_000, host.core.whenReady(), 'restart');
    assert.equal(host.core.restarts, 1);
    assert.ok(
      events.some(
        (e) => e.topic === 'host.status' && (e.payload as { state: string }).state === 'restarting',
      ),
    );
    assert.ok(
      events.some(
        (e) => e.topic === 'host.status' && (e.payload as { state: string }).state === 'ready',
      ),
    );

    // Still signed in (the session lives in the host), and the queued shipment survived in
    // the user's replica file.
    const detail = unwrap<{ order: { status: string; shipment: { trackingNo: string } } }>(
      await host.call('orders.get', { orderId: 'demo-order-003' }),
    );
    assert.equal(detail.order.status, 'shipped');
    assert.equal(detail.order.shipment.trackingNo, 'SF100100000001');

    // The cut-off write is safe to retry with the same command id: applied exactly once.
    unwrap(await host.call('refunds.agree', agree));
    const status = unwrap<{ pendingMutations: number; state: string; message: string | null }>(
      await host.call('sync.now', {}),
    );
    assert.equal(status.pendingMutations, 0, status.message ?? status.state);
    const detail010 = unwrap<{
      postings: { commandId: string; provisional?: boolean }[];
    }>(await host.call('orders.get', { orderId: 'demo-order-010' }));
    // One command, applied once: one refund posting from the server.
    assert.equal(
      detail010.postings.filter((p) => p.commandId === agreeId && !p.provisional).length,
      1,
    );

    const verified = unwrap<{ ok: boolean; problems: unknown[] }>(
      await host.call('ledger.verify', {}),
    );
    assert.deepEqual(verified.problems, []);
  } finally {
    await fixture.cleanup();
  }
});

test('calls after the host is closed fail with unavailable at once', async () => {
  const fixture = startDemoHost();
  await fixture.cleanup();
  const result = await within(1_000, fixture.host.call('session.current', {}), 'call after close');
  assert.deepEqual(result, { ok: true, value: { user: null } });
  const coreCall = await within(
    1_000,
    fixture.host.core.call('orders.list', { limit: 1 }, Date.now()),
    'core call',
  );
  assert.equal(coreCall.ok, false);
  if (!coreCall.ok) assert.equal(coreCall.error.code, 'unavailable');
});

test('a worker that cannot start is retried a few times, then calls fail at once instead of waiting', async () => {
  const states: string[] = [];
  const host = createDeskHost({
    core: {
      // A worker whose code cannot load: every start fails.
      workerEntry: new URL('./no-such-worker.ts', import.meta.url),
      workerData: { dataDir: join(tmpdir(), `no-such-dir-${uuidv7()}`) },
      restartDelayMs: 10,
      maxConsecutiveCrashes: 2,
    },
    settingsFile: null,
    authenticatorFor: () => offlineAuthenticator,
    vault: memoryTokenVault(),
  });
  try {
    host.subscribe((topic, payload) => {
      if (topic === 'host.status') states.push((payload as { state: string }).state);
    });
    unwrap(await host.call('session.signIn', { username: 'staff1', password: 'pw' }));
    const first = await within(
      120_000,
      host.call('orders.list', { limit: 5 }),
      'call to a failing core',
    );
    assert.equal(first.ok ? 'ok' : first.error.code, 'unavailable');
    assert.deepEqual(states, ['restarting', 'restarting', 'down']);
    const later = await within(
      1_000,
      host.call('orders.list', { limit: 5 }),
      'call after giving up',
    );
    assert.equal(later.ok ? 'ok' : later.error.code, 'unavailable');
  } finally {
    await host.close();
  }
});

test('calls waiting for a restarting worker are refused when the user changes', async () => {
  const host = createCoreHost({
    workerEntry: new URL('./neverReadyWorker.mjs', import.meta.url),
    workerData: { dataDir: join(tmpdir(), `never-ready-${uuidv7()}`) },
  });
  try {
    const staff1 = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' } as const;
    const staff3 = { role: 'seller_staff', userId: 'staff3', merchantId: 'm3' } as const;
    host.setSession({ serverUrl: 'http://127.0.0.1:9', token: 'a'.repeat(43), actor: staff1 });
    const queued = host.call('orders.list', { limit: 5 }, Date.now());
    // staff1 signs out and staff3 signs in before the worker is back.
    host.setSession(null);
    host.setSession({ serverUrl: 'http://127.0.0.1:9', token: 'b'.repeat(43), actor: staff3 });
    const r = await within(5_000, queued, 'the queued call');
    assert.equal(r.ok ? 'ok' : r.error.code, 'unauthorized');
  } finally {
    await host.close();
  }
});
