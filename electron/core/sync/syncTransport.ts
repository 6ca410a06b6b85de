import { chainResponseSchema, pushResponseSchema } from '../../../shared/sync/protocol.ts';
import type {
  ChainQuery,
  ChainResponse,
  PullRequest,
  PushRequest,
  PushResponse,
} from '../../../shared/sync/protocol.ts';
import { parseAnswer } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';
import type { PullBody } from './pulledPage.ts';

/**
 * The sync protocol's three calls (docs/sync.md); every failure is a ServerCallError. A pull
 * answers with the page's body as it arrived: the sync client decodes it (pageDecoder.ts),
 * on another thread when it is large.
 */
export interface SyncTransport {
  push(req: PushRequest): Promise<PushResponse>;
  pull(req: PullRequest): Promise<PullBody>;
  chain(query: ChainQuery): Promise<ChainResponse>;
}

export function chainPath(query: ChainQuery): string {
  const cookie = query.cookie === null ? '' : `&cookie=${encodeURIComponent(query.cookie)}`;
  return `/v1/sync/chain?upTo=${encodeURIComponent(query.upTo)}${cookie}`;
}

/** Sync over the desk's one HTTP client (electron/net/serverClient.ts). */
export function createHttpTransport(client: ServerClient): SyncTransport {
  return {
    async push(req) {
      const json = await client.json({ method: 'POST', path: '/v1/sync/push', body: req });
      return parseAnswer(() => pushResponseSchema.parse(json));
    },
    async pull(req) {
      return (await client.bytes({ method: 'POST', path: '/v1/sync/pull', body: req })).data;
    },
    async chain(query) {
      const json = await client.json({ method: 'GET', path: chainPath(query) });
      return parseAnswer(() => chainResponseSchema.parse(json));
    },
  };
}
