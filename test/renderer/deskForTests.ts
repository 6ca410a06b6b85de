import { buildDeskApi } from '../../shared/contract/buildDeskApi.ts';
import type { DeskApi } from '../../shared/contract/types.ts';
import { startDemoHost } from '../shell/deskHostFixture.ts';

/**
 * The renderer's stores over a real desk: the same host (worker thread, a replica of the central
 * API's demo data) web mode and Electron use, reached through the contract's own `buildDeskApi`; only the
 * WebSocket between them is left out.
 */
export function startTestDesk(): { desk: DeskApi; cleanup(): Promise<void> } {
  const fixture = startDemoHost();
  const desk = buildDeskApi({
    invoke: (method, input) => fixture.host.call(method, input),
    subscribe: (topic, listener) =>
      fixture.host.subscribe((t, payload) => {
        if (t === topic) listener(payload);
      }),
  });
  return { desk, cleanup: () => fixture.cleanup() };
}

export async function signedInDesk(): Promise<{ desk: DeskApi; cleanup(): Promise<void> }> {
  const t = startTestDesk();
  const r = await t.desk.session.signIn({ username: 'staff1', password: 'escrow-demo-2005' });
  if (!r.ok) {
    // A failed start must not leave the worker and the server holding the test process open.
    await t.cleanup();
    throw new Error(r.error.message);
  }
  // The replica's first pull, as a desk does right after sign-in.
  await t.desk.sync.now({});
  return t;
}
