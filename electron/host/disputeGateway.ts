import { z } from 'zod';
import type { MethodName } from '../../shared/contract/types.ts';
import { ERROR_CODES, fail, ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import type { DeskUser } from './sessionTypes.ts';

/**
 * The dispute desk's calls, answered by the central API (`/v1/disputes/*`): the case queue,
 * notes, assignments and the audit trail are the platform's shared record, not a desk's replica.
 * The host makes the HTTP call with the signed-in user's token, so the renderer never holds a
 * token or a server address. Outputs are checked against the contract by the host afterwards.
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
  'disputes.addNote',
  'disputes.evidenceFile',
  'disputes.audit',
  'disputes.auditExport',
  'disputes.evidencePack',
  'disputes.metrics',
];

const errorBody = z.object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) });

export interface DisputeGatewayOptions {
  /** The central server for the current settings; null on a desk working on demo data. */
  serverUrl(): string | null;
  /** The signed-in user's API token (demo sign-ins have none the server knows). */
  token(): string | null;
  timeoutMs?: number;
}

type Answer = { ok: true; response: Response } | { ok: false; error: Result<never> };

export function createDisputeGateway(opts: DisputeGatewayOptions) {
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    form?: FormData,
  ): Promise<Answer> {
    const base = opts.serverUrl();
    const token = opts.token();
    if (!base || !token || token.startsWith('demo-'))
      return {
        ok: false,
        error: fail('server_required', 'the dispute desk needs the central server: sign in to it'),
      };
    let response: Response;
    try {
      response = await fetch(new URL(path, base), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return {
        ok: false,
        error: fail('unavailable', `cannot reach the server: ${(err as Error).message}`),
      };
    }
    if (!response.ok) {
      const parsed = errorBody.safeParse(await response.json().catch(() => null));
      return {
        ok: false,
        error: parsed.success
          ? fail(parsed.data.error.code, parsed.data.error.message)
          : fail('unavailable', `server answered ${response.status}`),
      };
    }
    return { ok: true, response };
  }

  async function json(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Result<unknown>> {
    const a = await send(method, path, body);
    if (!a.ok) return a.error;
    return ok(await a.response.json());
  }

  async function bytes(path: string): Promise<Result<{ data: Buffer; response: Response }>> {
    const a = await send('GET', path);
    if (!a.ok) return a.error;
    return ok({ data: Buffer.from(await a.response.arrayBuffer()), response: a.response });
  }

  const c = (claimId: string) => `/v1/disputes/cases/${encodeURIComponent(claimId)}`;

  return async function call(
    method: DisputeMethod,
    input: unknown,
    user: DeskUser,
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
      case 'disputes.addNote':
        return json('POST', `${c(String(i.claimId))}/notes`, { body: i.body });
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
        const disposition = r.value.response.headers.get('content-disposition') ?? '';
        const name = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
        return ok({
          name: name ? decodeURIComponent(name) : String(i.sha256),
          mime: r.value.response.headers.get('content-type') ?? 'application/octet-stream',
          inline: disposition.startsWith('inline'),
          sha256: String(i.sha256),
          base64: r.value.data.toString('base64'),
        });
      }
      case 'disputes.auditExport': {
        const r = await bytes(
          `/v1/disputes/audit/export${i.claimId ? `?claimId=${encodeURIComponent(String(i.claimId))}` : ''}`,
        );
        if (!r.ok) return r;
        return ok({
          fileName: `audit-${String(i.claimId ?? 'all')}.jsonl`,
          text: r.value.data.toString('utf8'),
        });
      }
      case 'disputes.evidencePack': {
        const r = await bytes(`${c(String(i.claimId))}/evidence-pack`);
        if (!r.ok) return r;
        return ok({
          fileName: `evidence-pack-${String(i.claimId)}.pdf`,
          base64: r.value.data.toString('base64'),
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
        const a = await send('POST', '/v1/evidence', undefined, form);
        if (!a.ok) return a.error;
        return ok(await a.response.json());
      }
      default:
        return fail('unknown_method', `${String(method)} is not a dispute desk call`);
    }
  };
}
