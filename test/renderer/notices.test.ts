import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeskApi } from '../../shared/contract/types.ts';
import { restoreFocus } from '../../renderer/components/Modal.tsx';
import { createAppStores } from '../../renderer/stores/appStores.ts';
import { createDialogStore, OK_NOTICE_MS } from '../../renderer/stores/dialogStore.ts';
import type { NoticeTimer } from '../../renderer/stores/dialogStore.ts';

/** A timer that runs only when the test moves it forward: no test waits on the clock. */
function fakeTimer() {
  let now = 0;
  let seq = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const timer: NoticeTimer = {
    setTimeout(run, ms) {
      const id = ++seq;
      due.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };
  return {
    timer,
    pending: () => due.size,
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          due.delete(id);
          t.run();
        }
      }
    },
  };
}

/** A desk whose every call succeeds with an empty value (the stores here need no data). */
function stubDesk(): DeskApi {
  const call = () => Promise.resolve({ ok: true, value: {} });
  return new Proxy(
    {},
    {
      get: (_, ns) => (ns === 'subscribe' ? () => () => {} : new Proxy({}, { get: () => call })),
    },
  ) as unknown as DeskApi;
}

test('a success notice closes by itself after a few seconds', () => {
  const clock = fakeTimer();
  const dialogs = createDialogStore(clock.timer);
  dialogs.getState().announce('Order demo-order-003 shipped.', 'ok');
  assert.equal(dialogs.getState().notice?.text, 'Order demo-order-003 shipped.');
  clock.advance(OK_NOTICE_MS - 1);
  assert.ok(dialogs.getState().notice, 'still shown just before the time is up');
  clock.advance(1);
  assert.equal(dialogs.getState().notice, null);
  assert.ok(OK_NOTICE_MS >= 3000 && OK_NOTICE_MS <= 10000, 'a few seconds');
});

test('an error notice stays until dismissed and keeps its code for support', () => {
  const clock = fakeTimer();
  const dialogs = createDialogStore(clock.timer);
  const error = { code: 'invalid_state', message: 'order is shipped' };
  dialogs.getState().announce('This cannot be done now.', 'error', error);
  assert.equal(clock.pending(), 0, 'no timer for an error');
  clock.advance(10 * OK_NOTICE_MS);
  assert.deepEqual(dialogs.getState().notice?.error, error);
  dialogs.getState().dismiss();
  assert.equal(dialogs.getState().notice, null);
});

test("an older success's timer never closes a newer notice", () => {
  const clock = fakeTimer();
  const dialogs = createDialogStore(clock.timer);
  dialogs.getState().announce('first', 'ok');
  clock.advance(OK_NOTICE_MS - 10);
  dialogs.getState().announce('second', 'ok');
  clock.advance(20);
  assert.equal(dialogs.getState().notice?.text, 'second');
  dialogs.getState().announce('failed', 'error');
  clock.advance(OK_NOTICE_MS);
  assert.equal(dialogs.getState().notice?.text, 'failed');
  // The close button on a success stops its timer too.
  dialogs.getState().announce('third', 'ok');
  dialogs.getState().dismiss();
  assert.equal(clock.pending(), 0);
});

test('notices are cleared when the language changes and on sign-out', async () => {
  const clock = fakeTimer();
  let signedOut = 0;
  const stores = createAppStores(stubDesk(), {
    noticeTimer: clock.timer,
    onSignedOut: () => signedOut++,
  });
  stores.dialogs.getState().announce('出错了', 'error', { code: 'internal', message: 'x' });
  await stores.locale.getState().setLocale('zh-CN'); // the same language: kept
  assert.ok(stores.dialogs.getState().notice);
  await stores.locale.getState().setLocale('en');
  assert.equal(stores.dialogs.getState().notice, null);

  stores.dialogs.getState().announce('Order shipped.', 'ok');
  await stores.session.getState().signOut();
  assert.equal(stores.dialogs.getState().notice, null);
  assert.equal(signedOut, 1, 'the page still reloads after sign-out');
  assert.equal(clock.pending(), 0);
});

test('a closed dialog gives focus back to its opener, or to main if the opener is gone', () => {
  const focused: string[] = [];
  const el = (name: string, isConnected = true) =>
    ({ isConnected, focus: () => focused.push(name) }) as unknown as HTMLElement;
  const main = el('main');
  const body = el('body');
  const doc = { body, getElementById: (id: string) => (id === 'main' ? main : null) };
  restoreFocus(el('ship button'), doc as unknown as Document);
  restoreFocus(el('recycled row', false), doc as unknown as Document);
  restoreFocus(null, doc as unknown as Document);
  restoreFocus(body, doc as unknown as Document);
  assert.deepEqual(focused, ['ship button', 'main', 'main', 'main']);
});
