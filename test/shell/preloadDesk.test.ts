import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, test } from 'node:test';
import { IPC_CALL, IPC_EVENT } from '../../shared/contract/ipcChannels.ts';
import { METHOD_NAMES, TOPIC_NAMES } from '../../shared/contract/validate.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { createPreloadDesk } from '../../electron/preload/exposeDesk.ts';
import type { PreloadIpc } from '../../electron/preload/exposeDesk.ts';
import { startDemoHost } from './deskHostFixture.ts';

const fixture = startDemoHost();
after(() => fixture.cleanup());

/**
 * Electron's IPC reduced to what crosses it: invoke goes to the real desk host (as main's
 * handler does after the sender check), and host events come back on the event channel.
 */
function bridgeToHost(): PreloadIpc & { seen: unknown[][] } {
  const renderer = new EventEmitter();
  const seen: unknown[][] = [];
  fixture.host.subscribe((topic, payload) =>
    renderer.emit(IPC_EVENT, { sender: 'main' }, topic, payload),
  );
  return {
    seen,
    invoke: async (channel, ...args) => {
      seen.push([channel, ...args]);
      assert.equal(channel, IPC_CALL);
      return fixture.host.call(args[0], args[1]);
    },
    on: (channel, listener) => renderer.on(channel, listener),
  };
}

test('window.desk has one function per contract method and subscribe, nothing else', () => {
  const desk = createPreloadDesk(bridgeToHost()) as unknown as Record<string, unknown>;
  const exposed: string[] = [];
  for (const [ns, group] of Object.entries(desk)) {
    if (ns === 'subscribe') continue;
    for (const [fn, value] of Object.entries(group as Record<string, unknown>)) {
      assert.equal(typeof value, 'function');
      exposed.push(`${ns}.${fn}`);
    }
  }
  assert.deepEqual(exposed.sort(), [...METHOD_NAMES].sort());
  assert.equal(typeof desk.subscribe, 'function');
  assert.equal('invoke' in desk || 'ipcRenderer' in desk || 'on' in desk, false);
});

test('calls travel on the call channel and topic listeners get only the payload', async () => {
  const ipc = bridgeToHost();
  const desk = createPreloadDesk(ipc);
  const signedIn = await desk.session.signIn({ username: 'staff1', password: 'escrow-demo-2005' });
  assert.ok(signedIn.ok, JSON.stringify(signedIn));
  assert.deepEqual(ipc.seen[0], [
    IPC_CALL,
    'session.signIn',
    { username: 'staff1', password: 'escrow-demo-2005' },
  ]);
  assert.ok((await desk.sync.now({})).ok);

  const changed: unknown[][] = [];
  let sawShipped: () => void = () => {};
  const shippedEvent = new Promise<void>((resolve) => (sawShipped = resolve));
  const off = desk.subscribe('orders.changed', (...args: unknown[]) => {
    changed.push(args);
    if ((args[0] as { orderIds: string[] }).orderIds.includes('demo-order-003')) sawShipped();
  });
  const shipped = await desk.shipments.ship({
    commandId: uuidv7(),
    orderId: 'demo-order-003',
    carrier: 'sf',
    trackingNo: 'SF100300000001',
  });
  assert.ok(shipped.ok, JSON.stringify(shipped));
  await shippedEvent;
  assert.ok(
    changed.every((args) => args.length === 1),
    'no IPC event object reaches the renderer',
  );
  off();
  assert.throws(() => desk.subscribe('not.a.topic' as never, () => {}), TypeError);
  assert.ok(TOPIC_NAMES.includes('orders.changed'));
});
