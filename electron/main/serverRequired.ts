import { fail } from '../../shared/errors.ts';
import type { Authenticator } from '../host/sessionTypes.ts';

/**
 * A packaged desk with no server address: sign-in asks for one (`server_required`) instead of
 * falling back to demo accounts, which exist only in development runs.
 */
export function serverRequiredAuthenticator(): Authenticator {
  return {
    signIn: async () =>
      fail('server_required', 'no server address is set: enter the one your platform gave you'),
  };
}
