import type { MethodName } from '../../../shared/contract/types.ts';
import { fail, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/escrow/types.ts';
import { asResult } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';

/**
 * The dispute desk's calls, answered by the central API (`/v1/disputes/*`): the case queue,
 * notes, assignments and the audit trail are the platform's shared record, not a desk's replica.
 * The core worker makes the HTTP call with the signed-in user's token (the host never relays
 * it), so the renderer never holds a token or a server address. Outputs are checked against the contract by the host afterwards.
 * Claim decisions are not here: they are escrow commands (`claims.*`) and go through the core.
 */

export type DisputeMethod = Extract<MethodName, `disputes.${string}`>;

export function isDisputeMethod(method: string): method is DisputeMethod {
  return method.startsWith('disputes.');
}

const AGENT_ONLY: readonly DisputeMethod[] = [
  'disputes.queue',
  'disputes.case',
  'disputes.assign',
  'disputes.bulkAssign',
  'disputes.addNote',
  'disputes.sendMessage',
  'disputes.evidenceFile',
  'disputes.audit',
  'disputes.auditExport',
  'disputes.evidencePack',
  'disputes.metrics',
];

export interface DisputeCallsOptions {
  /** The signed-in user's client for the central API (token attached). */
  client: ServerClient;
}

export function createDisputeCalls({ client }: DisputeCallsOptions) {
  const json = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    asResult(() => client.json({ method, path, ...(body === undefined ? {} : { body }) }));
  const bytes = (path: string) => asResult(() => client.bytes({ method: 'GET', path }));

  const c = (claimId: string) => `/v1/disputes/cases/${encodeURIComponent(claimId)}`;

  return async function call(
    method: DisputeMethod,
    input: unknown,
    user: Actor,
  ): Promise<Result<unknown>> {
    const isAgent = user.role === 'agent' || user.role === 'senior_agent';
    if (AGENT_ONLY.includes(method) && !isAgent)
      return fail('forbidden', 'the dispute desk is for agents');
    const i = input as Record<string, unknown>;
    switch (method) {
      case 'disputes.queue': {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(i)) if (v !== undefined) q.set(k, String(v));
        return json('GET', `/v1/disputes/cases${q.size ? `?${q}` : ''}`);
      }
      case 'disputes.case':
        return json('GET', c(String(i.claimId)));
      case 'disputes.assign':
        return json('POST', `${c(String(i.claimId))}/${i.assign ? 'assign' : 'unassign'}`, {});
      case 'disputes.bulkAssign':
        return json('POST', '/v1/disputes/cases/assign', {
          claimIds: i.claimIds,
          agentId: i.agentId,
        });
      case 'disputes.addNote':
        return json('POST', `${c(String(i.claimId))}/notes`, { body: i.body });
      case 'disputes.sendMessage':
        return json('POST', `${c(String(i.claimId))}/messages`, { to: i.to, body: i.body });
      case 'disputes.audit':
        return json('GET', `${c(String(i.claimId))}/audit`);
      case 'disputes.metrics':
        if (user.role !== 'senior_agent')
          return fail('forbidden', 'desk metrics are for senior agents');
        return json('GET', '/v1/disputes/metrics');
      case 'disputes.sellerClaims':
        if (user.role !== 'seller_staff' && user.role !== 'seller_admin')
          return fail('forbidden', 'only a seller sees claims against their shop');
        return json('GET', '/v1/disputes/seller/claims');
      case 'disputes.evidenceFile': {
        const r = await bytes(`${c(String(i.claimId))}/evidence/${String(i.sha256)}`);
        if (!r.ok) return r;
        const disposition = r.value.headers.get('content-disposition') ?? '';
        const name = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
        return ok({
          name: name ? decodeURIComponent(name) : String(i.sha256),
          mime: r.value.headers.get('content-type') ?? 'application/octet-stream',
          inline: disposition.startsWith('inline'),
          sha256: String(i.sha256),
          base64: Buffer.from(r.value.data).toString('base64'),
        });
      }
      case 'disputes.auditExport': {
        const r = await bytes(
          `/v1/disputes/audit/export${i.claimId ? `?claimId=${encodeURIComponent(String(i.claimId))}` : ''}`,
        );
        if (!r.ok) return r;
        return ok({
          fileName: `audit-${String(i.claimId ?? 'all')}.jsonl`,
          text: new TextDecoder().decode(r.value.data),
        });
      }
      case 'disputes.evidencePack': {
        const tz = i.timeZone ? `?tz=${encodeURIComponent(String(i.timeZone))}` : '';
        const r = await bytes(`${c(String(i.claimId))}/evidence-pack${tz}`);
        if (!r.ok) return r;
        return ok({
          fileName: `evidence-pack-${String(i.claimId)}.pdf`,
          base64: Buffer.from(r.value.data).toString('base64'),
        });
      }
      case 'disputes.uploadEvidence': {
        const form = new FormData();
        const content = Buffer.from(String(i.base64), 'base64');
        form.append(
          'file',
          new Blob([new Uint8Array(content)], { type: String(i.mime) }),
          String(i.name),
        );
        return asResult(() => client.json({ method: 'POST', path: '/v1/evidence', form }));
      }
      default:
        return fail('unknown_method', `${String(method)} is not a dispute desk call`);
    }
  };
}
