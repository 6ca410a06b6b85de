import { z } from 'zod';
import { userSchema } from '../../shared/contract/domainSchemas.ts';
import { fail } from '../../shared/errors.ts';
import { asResult, createServerClient, parseAnswer } from '../net/serverClient.ts';
import type { Authenticator } from './sessionTypes.ts';

// The server leaves `merchantId` out for platform staff (agents); the desk's user has it as null.
const loginResponse = z.object({
  token: z.string().min(1).max(4096),
  user: z.preprocess(
    (u) =>
      typeof u === 'object' && u !== null && !('merchantId' in u) ? { ...u, merchantId: null } : u,
    userSchema,
  ),
});
const meResponse = z.object({
  user: userSchema.extend({
    merchantId: userSchema.shape.merchantId.optional(),
    displayName: userSchema.shape.displayName.optional(),
  }),
});

/**
 * Signs in against the central API (`POST /v1/auth/login`), which owns users and roles, over
 * the desk's one HTTP client (electron/net/serverClient.ts).
 */
export function serverAuthenticator(serverUrl: string, timeoutMs = 10_000): Authenticator {
  const anonymous = createServerClient({ baseUrl: serverUrl, timeoutMs });
  const as = (token: string) =>
    createServerClient({ baseUrl: serverUrl, timeoutMs, token: () => token });
  return {
    serverUrl,
    async signIn(username, password) {
      const body = await asResult(() =>
        anonymous.json({ method: 'POST', path: '/v1/auth/login', body: { username, password } }),
      );
      if (!body.ok) return body;
      return asResult(async () => {
        const { user, token } = parseAnswer(() => loginResponse.parse(body.value));
        return { token, user: { ...user, merchantId: user.merchantId ?? null } };
      });
    },
    async resume(token) {
      const body = await asResult(() => as(token).json({ method: 'GET', path: '/v1/me' }));
      if (!body.ok)
        return body.error.code === 'unauthorized' || body.error.code === 'forbidden'
          ? fail('unauthorized', 'the kept sign-in has expired')
          : body;
      return asResult(async () => {
        const { user } = parseAnswer(() => meResponse.parse(body.value));
        return {
          ...user,
          displayName: user.displayName ?? user.userId,
          merchantId: user.merchantId ?? null,
        };
      });
    },
    async signOut(token) {
      // Ends the session on the server too; offline, the token still leaves this desk.
      await asResult(() => as(token).json({ method: 'POST', path: '/v1/auth/logout', body: {} }));
    },
  };
}
