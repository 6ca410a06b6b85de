import { z } from 'zod';
import { userSchema } from '../../shared/contract/domainSchemas.ts';
import { ERROR_CODES, fail, ok } from '../../shared/errors.ts';
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
const errorResponse = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
});

/** Signs in against the central API (`POST /v1/auth/login`), which owns users and roles. */
export function serverAuthenticator(serverUrl: string, timeoutMs = 10_000): Authenticator {
  return {
    serverUrl,
    async signIn(username, password) {
      let response: Response;
      try {
        response = await fetch(new URL('/v1/auth/login', serverUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return fail(
          'unavailable',
          `cannot reach ${new URL(serverUrl).host}: ${(err as Error).message}`,
        );
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const parsed = errorResponse.safeParse(body);
        if (parsed.success) return fail(parsed.data.error.code, parsed.data.error.message);
        return fail(
          response.status === 401 ? 'unauthorized' : 'unavailable',
          `server answered ${response.status}`,
        );
      }
      const parsed = loginResponse.safeParse(body);
      if (!parsed.success) return fail('internal', 'unexpected sign-in response from the server');
      const { user, token } = parsed.data;
      return ok({ token, user: { ...user, merchantId: user.merchantId ?? null } });
    },
    async resume(token) {
      let response: Response;
      try {
        response = await fetch(new URL('/v1/me', serverUrl), {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return fail(
          'unavailable',
          `cannot reach ${new URL(serverUrl).host}: ${(err as Error).message}`,
        );
      }
      if (!response.ok) return fail('unauthorized', 'the kept sign-in has expired');
      const parsed = meResponse.safeParse(await response.json().catch(() => null));
      if (!parsed.success) return fail('internal', 'unexpected /v1/me response from the server');
      const { user } = parsed.data;
      return ok({
        ...user,
        displayName: user.displayName ?? user.userId,
        merchantId: user.merchantId ?? null,
      });
    },
  };
}
