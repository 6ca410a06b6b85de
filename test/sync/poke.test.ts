import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PokeRefused, readPokeStream } from '../../electron/net/pokeStream.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { pokeChannel } from '../../server/sync/pokeHub.ts';
import { paidOrder } from '../server/escrowSteps.ts';
import { BANK_SECRETS, startTestServer } from '../server/testServer.ts';
import type { PersonName, TestServer } from '../server/testServer.ts';

/**
 * Pokes (docs/sync.md "Pokes"): a change to a merchant's orders, committed through one API
 * process, reaches that merchant's desks subscribed to another process through PostgreSQL
 * LISTEN/NOTIFY (on PGlite, the one embedded process hears itself), and nobody else's.
 */
let t: TestServer;
/** A second API process on the same database (PostgreSQL), else the first one (PGlite). */
let other: RunningServer | null = null;
let streamUrl = '';

before(async () => {
  t = await startTestServer('poke');
  const sibling = await t.testDb.openSibling();
  if (sibling) {
    other = await startServer({
      db: sibling,
      clock: t.clock,
      bankSecrets: BANK_SECRETS,
      timerIntervalMs: false,
      maxConnectionsPerAddress: 100_000,
    });
  }
  streamUrl = (other ?? t.server).url;
});
after(async () => {
  await other?.close();
  await t.close();
});

/** A desk's subscription: the events it heard, and a way to wait for the next poke. */
async function subscribe(who: PersonName) {
  const controller = new AbortController();
  const events: string[] = [];
  let waiter: (() => void) | null = null;
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const done = readPokeStream(
    { baseUrl: streamUrl, token: await t.token(who), signal: controller.signal },
    {
      onReady: () => {
        events.push('ready');
        ready();
      },
      onPoke: () => {
        events.push('poke');
        waiter?.();
      },
    },
  ).catch(() => undefined);
  await isReady;
  return {
    events,
    /** Resolves once `n` pokes have been heard in all. */
    pokes(n: number): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (events.filter((e) => e === 'poke').length >= n) {
            waiter = null;
            resolve();
          }
        };
        waiter = check;
        check();
      });
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}

test("a payment through one API process pokes the merchant's desk on another", async () => {
  const desk = await subscribe('staff1');
  await paidOrder(t, { merchantId: 'm1' });
  await desk.pokes(1);
  assert.equal(desk.events[0], 'ready');
  await desk.close();
});

test("a change pokes only its own merchant's scope, once per transaction", async () => {
  const heard: string[] = [];
  let waiter: (() => void) | null = null;
  const stop = await t.db.listen!(pokeChannel(t.db.schema), (payload) => {
    heard.push(payload);
    waiter?.();
  });
  const heardAtLeast = (n: number) =>
    new Promise<void>((resolve) => {
      waiter = () => heard.length >= n && resolve();
      waiter();
    });
  try {
    await paidOrder(t, { merchantId: 'm2' }); // two transactions: the order, then the payment
    await heardAtLeast(2);
    await paidOrder(t, { merchantId: 'm1' });
    await heardAtLeast(4);
    assert.deepEqual(heard, ['m:m2', 'm:m2', 'm:m1', 'm:m1']);
  } finally {
    await stop();
  }
});

test('the poke stream needs a signed-in desk', async () => {
  await assert.rejects(
    readPokeStream(
      { baseUrl: streamUrl, token: 'not-a-real-token-000', signal: AbortSignal.timeout(10_000) },
      { onReady: () => undefined, onPoke: () => undefined },
    ),
    (err) => err instanceof PokeRefused && err.status === 401,
  );
});
