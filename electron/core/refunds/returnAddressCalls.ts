import type { Result } from '../../../shared/errors.ts';
import { asResult } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';

/**
 * The merchant's return address lives on the central API (`/v1/merchant/return-address`), not
 * in the replica: it is a setting of the shop, read when a seller agrees to a return. The core
 * calls with the signed-in user's token; the host checks the answer against the contract.
 */
export function createReturnAddressCalls(client: ServerClient) {
  return {
    get: (): Promise<Result<unknown>> =>
      asResult(() => client.json({ method: 'GET', path: '/v1/merchant/return-address' })),
    set: (address: { name: string; mobile: string; address: string }): Promise<Result<unknown>> =>
      asResult(() =>
        client.json({ method: 'POST', path: '/v1/merchant/return-address', body: address }),
      ),
  };
}
