import type { MethodOutput, ParsedInput } from '../../../shared/contract/types.ts';
import type { Result } from '../../../shared/errors.ts';
import { asResult } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';

export type WaybillLabel = MethodOutput<'waybills.print'>['labels'][number];

/**
 * The seller desk's shipping calls that only the central API can answer: e-waybill numbers
 * (assigned from the platform's segments, never by a desk, so two desks can never print the
 * same number) and the shop's addresses. Made by the core worker with the signed-in user's
 * token, like the dispute desk's calls; the server checks the role.
 */
export function createShippingCalls({ client }: { client: ServerClient }) {
  return {
    assignWaybills(carrier: string, orderIds: readonly string[]) {
      return asResult(
        () =>
          client.json({
            method: 'POST',
            path: '/v1/waybills',
            body: { carrier, orderIds },
          }) as Promise<{ labels: WaybillLabel[] }>,
      );
    },
    addresses(): Promise<Result<unknown>> {
      return asResult(() => client.json({ method: 'GET', path: '/v1/merchant/addresses' }));
    },
    setAddress(input: ParsedInput<'merchant.setAddress'>): Promise<Result<unknown>> {
      return asResult(() =>
        client.json({
          method: 'POST',
          path: `/v1/merchant/addresses/${input.kind}`,
          body: input.address,
        }),
      );
    },
  };
}

export type ShippingCalls = ReturnType<typeof createShippingCalls>;
