import { createHash, timingSafeEqual } from 'node:crypto';
import { fail, ok } from '../../shared/errors.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { Authenticator, DeskUser } from './sessionTypes.ts';

/**
 * Sign-in accounts for the offline demo (`npm start` with no central server reachable, and the
 * browser tests). They exist only when the host is started in demo mode; a desk configured with
 * a server URL signs in against the server instead.
 */
export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; password: string; user: DeskUser }> =
  [
    {
      username: 'seller',
      password: 'demo-seller',
      user: {
        userId: 'u-seller-1',
        displayName: '张小店 (Seller)',
        role: 'seller_staff',
        merchantId: 'm-1001',
      },
    },
    {
      username: 'agent',
      password: 'demo-agent',
      user: { userId: 'u-agent-1', displayName: '李审核 (Agent)', role: 'agent', merchantId: null },
    },
    {
      username: 'senior',
      password: 'demo-senior',
      user: {
        userId: 'u-senior-1',
        displayName: '王主管 (Senior agent)',
        role: 'senior_agent',
        merchantId: null,
      },
    },
  ];

/** Compares digests so neither the length nor the content of a guess leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export function demoAuthenticator(): Authenticator {
  return {
    async signIn(username, password) {
      const account = DEMO_ACCOUNTS.find((a) => a.username === username);
      if (!account || !sameSecret(account.password, password)) {
        return fail('unauthorized', 'wrong username or password');
      }
      return ok({ user: account.user, token: `demo-${uuidv7()}` });
    },
  };
}
