import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeskApi } from '../../shared/contract/types.ts';
import { createSessionStore } from '../../renderer/stores/sessionStore.ts';

const user = {
  userId: 'u-1',
  displayName: 'Seller',
  role: 'seller_staff',
  merchantId: 'm-1',
} as const;

test('without a keyring the sign-in view offers "this run only" and re-sends with the flag', async () => {
  const sent: unknown[] = [];
  const desk = {
    session: {
      async signIn(input: { rememberForRunOnly?: boolean }) {
        sent.push(input);
        return input.rememberForRunOnly
          ? { ok: true, value: { user } }
          : { ok: false, error: { code: 'secret_store_unavailable', message: 'no keyring' } };
      },
    },
  } as unknown as DeskApi;
  const session = createSessionStore(desk);
  assert.equal(await session.getState().signIn('seller', 'pw'), false);
  assert.equal(session.getState().offerRunOnly, true);
  assert.equal(session.getState().error, null, 'shown as an offer, not as a failure');
  assert.equal(await session.getState().signIn('seller', 'pw', true), true);
  assert.equal(session.getState().phase, 'signed_in');
  assert.equal(session.getState().offerRunOnly, false);
  assert.deepEqual(sent, [
    { username: 'seller', password: 'pw' },
    { username: 'seller', password: 'pw', rememberForRunOnly: true },
  ]);
});

test('with no server address the sign-in view asks for one and saves it before signing in', async () => {
  const calls: Array<[string, unknown]> = [];
  let serverUrl: string | null = null;
  const desk = {
    settings: {
      async set(input: { serverUrl: string }) {
        calls.push(['settings.set', input]);
        if (!input.serverUrl.startsWith('https://'))
          return { ok: false, error: { code: 'invalid_input', message: 'serverUrl: use https' } };
        serverUrl = input.serverUrl;
        return { ok: true, value: { locale: 'en', serverUrl } };
      },
    },
    session: {
      async signIn(input: unknown) {
        calls.push(['session.signIn', input]);
        return serverUrl
          ? { ok: true, value: { user } }
          : { ok: false, error: { code: 'server_required', message: 'no server address' } };
      },
    },
  } as unknown as DeskApi;
  const session = createSessionStore(desk);
  assert.equal(await session.getState().signIn('seller', 'pw'), false);
  assert.equal(session.getState().needsServer, true);
  assert.equal(await session.getState().setServer('http://api.example'), false);
  assert.equal(session.getState().error?.code, 'invalid_input');
  assert.match(session.getState().error?.message ?? '', /https/);
  assert.equal(await session.getState().setServer('https://api.example'), true);
  assert.equal(session.getState().needsServer, false);
  assert.equal(await session.getState().signIn('seller', 'pw'), true);
});
