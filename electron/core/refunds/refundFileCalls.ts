import { fail, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import type { MethodOutput, ParsedInput } from '../../../shared/contract/types.ts';
import { asResult } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';

/**
 * The files of a refund (the buyer's photos, the seller's refusal evidence) live on the central
 * API, never in the replica: a replica holds only their references (name, type, size, hash),
 * which is what lets the queue show the buyer's reason and "3 photos" offline. Fetching or
 * attaching a file needs the server; offline both answer `evidence_needs_connection`, so the
 * desk can say so instead of a generic network failure.
 */
export function createRefundFileCalls({ client }: { client: ServerClient }) {
  const offline = <T>(r: Result<T>): Result<T> =>
    !r.ok && r.error.code === 'unavailable'
      ? fail('evidence_needs_connection', 'refund files need a connection to the server')
      : r;
  return {
    async file(input: ParsedInput<'refunds.file'>): Promise<Result<MethodOutput<'refunds.file'>>> {
      const path = `/v1/orders/${encodeURIComponent(input.orderId)}/refunds/${encodeURIComponent(input.refundId)}/files/${input.sha256}`;
      const r = offline(await asResult(() => client.bytes({ method: 'GET', path })));
      if (!r.ok) return r;
      const disposition = r.value.headers.get('content-disposition') ?? '';
      const name = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
      return ok({
        name: name ? decodeURIComponent(name) : input.sha256,
        // The type the server sniffed from the bytes, never the uploader's claim.
        mime: r.value.headers.get('content-type') ?? 'application/octet-stream',
        sha256: input.sha256,
        base64: Buffer.from(r.value.data).toString('base64'),
      });
    },
    async upload(input: ParsedInput<'refunds.uploadEvidence'>): Promise<Result<unknown>> {
      const form = new FormData();
      const content = Buffer.from(input.base64, 'base64');
      form.append('file', new Blob([new Uint8Array(content)], { type: input.mime }), input.name);
      return offline(
        await asResult(() => client.json({ method: 'POST', path: '/v1/evidence', form })),
      );
    },
  };
}

export type RefundFileCalls = ReturnType<typeof createRefundFileCalls>;
