import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeskApi } from '../../shared/contract/types.ts';
import { createCaseQueueStore, SEARCH_DEBOUNCE_MS } from '../../renderer/stores/caseQueueStore.ts';
import { startTestDesk } from './deskForTests.ts';

/**
 * The agents' live search over a real desk signed in as an agent (demo data): typing asks the
 * server once per pause, and an answer that comes back late never replaces a newer one.
 */
let t: ReturnType<typeof startTestDesk>;
let desk: DeskApi;

before(async () => {
  t = startTestDesk();
  const r = await t.desk.session.signIn({ username: 'agent.li', password: 'escrow-demo-2005' });
  if (!r.ok) throw new Error(r.error.message);
  desk = t.desk;
});
after(async () => {
  await t?.cleanup();
});

/** A timer that fires only when the test says so. */
function manualTimer() {
  let next: { fn: () => void; ms: number } | null = null;
  return {
    timer: {
      set: (fn: () => void, ms: number) => (next = { fn, ms }),
      clear: () => {
        next = null;
      },
    },
    fire() {
      const n = next;
      next = null;
      n?.fn();
      return n?.ms;
    },
  };
}

test('typing searches once per pause, and a late answer never replaces a newer one', async () => {
  // The desk's queue calls, held until the test lets each one through.
  const held: { q: string | undefined; release(): Promise<void> }[] = [];
  const slow: DeskApi = {
    ...desk,
    disputes: {
      ...desk.disputes,
      queue: (input) =>
        new Promise((resolve) => {
          held.push({
            q: input.q,
            release: async () => resolve(await desk.disputes.queue(input)),
          });
        }),
    },
  };
  const clock = manualTimer();
  const store = createCaseQueueStore(slow, clock.timer);

  // Three keystrokes inside one pause: one request, for the whole word.
  for (const text of ['d', 'de', 'demo-claim-1']) store.getState().search(text);
  assert.equal(held.length, 0, 'nothing asked while typing');
  assert.equal(clock.fire(), SEARCH_DEBOUNCE_MS);
  assert.deepEqual(
    held.map((h) => h.q),
    ['demo-claim-1'],
  );
  store.getState().search('demo-claim-2');
  clock.fire();
  assert.deepEqual(
    held.map((h) => h.q),
    ['demo-claim-1', 'demo-claim-2'],
  );

  // The newer answer arrives first, then the older one: the list stays the newer one's.
  await held[1]!.release();
  const newer = store.getState().cases.map((c) => c.claimId);
  assert.deepEqual(newer, ['demo-claim-2']);
  await held[0]!.release();
  assert.deepEqual(
    store.getState().cases.map((c) => c.claimId),
    newer,
  );
  assert.equal(store.getState().loading, false);
  // Agents come with their names, for the queue's assignee column and bulk assignment.
  assert.ok(store.getState().agents.some((a) => a.userId === 'u-agent-li' && a.displayName));
});

test('a refused search lists no cases under its error; a refused refresh keeps them', async () => {
  let offline = false;
  const flaky: DeskApi = {
    ...desk,
    disputes: {
      ...desk.disputes,
      queue: async (input) =>
        offline
          ? { ok: false as const, error: { code: 'unavailable' as const, message: 'offline' } }
          : desk.disputes.queue(input),
    },
  };
  const store = createCaseQueueStore(flaky, manualTimer().timer);
  await store.getState().load();
  const all = store.getState().cases.length;
  assert.ok(all > 0);
  // Offline, the same list asked again: what was shown stays, with the error beside it.
  offline = true;
  await store.getState().load();
  assert.equal(store.getState().error?.code, 'unavailable');
  assert.equal(store.getState().cases.length, all);
  // A search the desk refuses (a NUL pasted in): no case is shown as if it matched.
  offline = false;
  store.getState().setFilter({ q: `\u0000demo` });
  await store.getState().load();
  assert.equal(store.getState().error?.code, 'invalid_text');
  assert.deepEqual(store.getState().cases, []);
});
