import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCallQueue } from '../../../electron/core/worker/callQueue.ts';
import type { QueuePlace } from '../../../electron/core/worker/callQueue.ts';

type Message = { name: string; place: QueuePlace };

/** A queue whose messages finish only when the test says so; `log` records starts and ends. */
function harness() {
  const log: string[] = [];
  const finish = new Map<string, () => void>();
  const started = new Map<string, () => void>();
  const push = createCallQueue<Message>(
    (m) =>
      new Promise<void>((resolve) => {
        log.push(`start ${m.name}`);
        started.get(m.name)?.();
        finish.set(m.name, () => {
          log.push(`end ${m.name}`);
          resolve();
        });
      }),
    (m) => m.place,
  );
  const whenStarted = (name: string) =>
    log.includes(`start ${name}`)
      ? Promise.resolve()
      : new Promise<void>((resolve) => started.set(name, resolve));
  const end = (name: string) => finish.get(name)!();
  return { log, push, whenStarted, end };
}

test('a call beside the queue does not hold the calls behind it; a session switch waits for it', async () => {
  const q = harness();
  q.push({ name: 'verify', place: 'beside' });
  q.push({ name: 'list', place: 'inOrder' });
  q.push({ name: 'sign-out', place: 'barrier' });
  await q.whenStarted('list');
  assert.deepEqual(q.log, ['start verify', 'start list'], 'the list answers while verify runs');
  q.end('list');
  // The switch waits for the verify still running.
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(!q.log.includes('start sign-out'), q.log.join(', '));
  q.end('verify');
  await q.whenStarted('sign-out');
  assert.deepEqual(q.log, [
    'start verify',
    'start list',
    'end list',
    'end verify',
    'start sign-out',
  ]);
  q.end('sign-out');
});

test('calls in order wait for each other, and a beside call starts in its turn', async () => {
  const q = harness();
  q.push({ name: 'ship', place: 'inOrder' });
  q.push({ name: 'verify', place: 'beside' });
  await q.whenStarted('ship');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(q.log, ['start ship']);
  q.end('ship');
  await q.whenStarted('verify');
  assert.deepEqual(q.log, ['start ship', 'end ship', 'start verify']);
  q.end('verify');
});
