import {
  chainResponseSchema,
  pullResponseSchema,
  pushResponseSchema,
} from '../shared/sync/protocol.ts';
import type { PullResponse } from '../shared/sync/protocol.ts';
import {
  SERVER_REQUEST_HEADERS,
  ServerCallError,
  networkFailure,
  parseAnswer,
  refusalOf,
  unreadableAnswer,
} from '../electron/net/serverClient.ts';
import { chainPath } from '../electron/core/sync/syncTransport.ts';
import type { SyncTransport } from '../electron/core/sync/syncTransport.ts';
import type { SyncFault } from './schedule.ts';
import type { SimServer } from './simServer.ts';

/**
 * The desk's sync transport in the simulator: the real endpoints through `app.inject`, with the
 * faults of the current step applied at exact points of the protocol. It classifies answers
 * the way the HTTP transport does (electron/net/serverClient.ts): no answer, a cut
 * answer and 5xx are transient; 4xx are not.
 */
export class DeskKilled extends Error {
  constructor(readonly point: string) {
    super(`desk killed ${point}`);
    this.name = 'DeskKilled';
  }
}

/** Test-only: a deliberately wrong transport, to prove the invariants and the shrinker work. */
export type InjectedBug = 'none' | 'drop_refund_txn' | 'drop_payment_txn';

export interface FaultStats {
  dropped: number;
  cut: number;
  duplicated: number;
  errors5xx: number;
  kills: number;
  offlineRefusals: number;
}

export interface SimTransport extends SyncTransport {
  /** The fault for the next sync round; `faultAt` picks which request of its kind it hits. */
  arm(fault: SyncFault, faultAt: number): void;
  /** True when the armed fault fired. */
  fired(): boolean;
  offline: boolean;
}

export function createSimTransport(opts: {
  server: () => SimServer;
  token: string;
  stats: FaultStats;
  bug?: InjectedBug;
}): SimTransport {
  let fault: SyncFault = 'none';
  let faultAt = 0;
  let fired = false;
  let pushes = 0;
  let pulls = 0;

  async function call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
    const res = await opts.server().inject({
      method,
      url,
      token: opts.token,
      headers: { ...SERVER_REQUEST_HEADERS },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (typeof res.body !== 'object' || res.body === null) throw unreadableAnswer(res.status);
    if (res.status >= 400) throw refusalOf(res.status, res.body);
    return res.body;
  }

  const hits = (index: number, names: SyncFault[]): boolean => {
    if (fired || !names.includes(fault) || index !== faultAt) return false;
    fired = true;
    return true;
  };

  const transport: SimTransport = {
    offline: false,
    arm(f, at) {
      fault = f;
      faultAt = at;
      fired = false;
      pushes = 0;
      pulls = 0;
    },
    fired: () => fired,
    async push(req) {
      if (transport.offline) {
        opts.stats.offlineRefusals++;
        throw networkFailure('offline');
      }
      const i = pushes++;
      if (hits(i, ['drop_push'])) {
        opts.stats.dropped++;
        throw networkFailure('push dropped');
      }
      if (hits(i, ['error_push'])) {
        opts.stats.errors5xx++;
        throw new ServerCallError('proxy 503', {
          transient: true,
          network: false,
          status: 503,
          code: 'unavailable',
        });
      }
      const dup = hits(i, ['dup_push']);
      if (dup) {
        opts.stats.duplicated++;
        await call('POST', '/v1/sync/push', req);
      }
      const cut = !dup && hits(i, ['cut_push', 'kill_after_push']);
      const json = await call('POST', '/v1/sync/push', req);
      if (cut && fault === 'kill_after_push') {
        opts.stats.kills++;
        throw new DeskKilled('after the server committed a push');
      }
      if (cut) {
        opts.stats.cut++;
        throw unreadableAnswer(200);
      }
      return parseAnswer(() => pushResponseSchema.parse(json));
    },
    async pull(req) {
      if (transport.offline) {
        opts.stats.offlineRefusals++;
        throw networkFailure('offline');
      }
      const i = pulls++;
      const dup = hits(i, ['dup_pull']);
      if (dup) {
        opts.stats.duplicated++;
        await call('POST', '/v1/sync/pull', req);
      }
      const cut = !dup && hits(i, ['cut_pull', 'kill_after_pull']);
      const json = await call('POST', '/v1/sync/pull', req);
      if (cut && fault === 'kill_after_pull') {
        opts.stats.kills++;
        throw new DeskKilled('after a pull page was answered, before it was stored');
      }
      if (cut) {
        opts.stats.cut++;
        throw unreadableAnswer(200);
      }
      const page: PullResponse = parseAnswer(() => pullResponseSchema.parse(json) as PullResponse);
      if (opts.bug === 'drop_refund_txn' || opts.bug === 'drop_payment_txn') {
        const kind = opts.bug === 'drop_refund_txn' ? 'escrow_refund' : 'payment_confirmed';
        return JSON.stringify({
          ...page,
          changes: page.changes.filter((c) => !(c.kind === 'ledger_txn' && c.txn.kind === kind)),
        });
      }
      return JSON.stringify(page);
    },
    async chain(query) {
      if (transport.offline) throw networkFailure('offline');
      const json = await call('GET', chainPath(query));
      return parseAnswer(() => chainResponseSchema.parse(json));
    },
  };
  return transport;
}
