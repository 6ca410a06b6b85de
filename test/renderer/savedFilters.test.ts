import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { DeskApi } from '../../shared/contract/types.ts';
import { createSavedFiltersStore } from '../../renderer/stores/savedFiltersStore.ts';
import { createSessionStore } from '../../renderer/stores/sessionStore.ts';

/** The browser's storage, as the page sees it (Node has none). */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

const users = {
  staff1: { userId: 'u-staff1', displayName: '张', role: 'seller_staff', merchantId: 'm-hz-tea' },
  staff3: { userId: 'u-staff3', displayName: '林', role: 'seller_staff', merchantId: 'm-tp' },
} as const;

/** A desk whose sign-in answers the named demo user: the session store is the real one. */
function deskSigningIn(): DeskApi {
  const session = {
    async signIn({ username }: { username: keyof typeof users }) {
      return { ok: true, value: { user: users[username] } };
    },
    async signOut() {
      return { ok: true, value: {} };
    },
    async current() {
      return { ok: true, value: { user: null } };
    },
  };
  return { session } as unknown as DeskApi;
}

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  Object.assign(globalThis, { localStorage: storage });
});

test('saved filters belong to the user who saved them, on a shared computer', async () => {
  const session = createSessionStore(deskSigningIn());
  const saved = createSavedFiltersStore(session);
  // Signed out: nothing shown and nothing kept.
  saved.getState().save('nobody', { text: 'x' } as never);
  assert.deepEqual(saved.getState().saved, []);
  assert.equal(storage.items.size, 0);

  await session.getState().signIn('staff1', 'pw');
  saved.getState().save('王先生的单', { text: '王先生' } as never);
  assert.deepEqual(
    saved.getState().saved.map((s) => s.name),
    ['王先生的单'],
  );
  await session.getState().signOut();
  assert.deepEqual(saved.getState().saved, [], "a signed-out screen shows no one's filters");

  await session.getState().signIn('staff3', 'pw');
  assert.deepEqual(saved.getState().saved, [], "staff3 does not see staff1's filter");
  saved.getState().save('今日', { text: '' } as never);
  await session.getState().signOut();

  // A new page (after the reload a sign-out does) signs staff1 in again: their list is back.
  const again = createSavedFiltersStore(session);
  await session.getState().signIn('staff1', 'pw');
  assert.deepEqual(
    again.getState().saved.map((s) => s.name),
    ['王先生的单'],
  );
});

test('the one list earlier versions kept per install is forgotten, not given to a user', async () => {
  storage.setItem(
    'escrow-desk.saved-order-filters',
    JSON.stringify([{ name: 'old', filters: {} }]),
  );
  const session = createSessionStore(deskSigningIn());
  const saved = createSavedFiltersStore(session);
  await session.getState().signIn('staff1', 'pw');
  assert.deepEqual(saved.getState().saved, []);
  assert.equal(storage.getItem('escrow-desk.saved-order-filters'), null);
});
