import { chainResponseSchema, pushResponseSchema } from '../../../shared/sync/protocol.ts';
import type {
  ChainQuery,
  ChainResponse,
  PullRequest,
  PushRequest,
  PushResponse,
} from '../../../shared/sync/protocol.ts';
import { parseAnswer } from '../../net/serverClient.ts';
import type { ServerClient, ServerConnection } from '../../net/serverClient.ts';
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
  /**
   * The server a pull goes to, when another thread may make the same pull itself (the HTTP
   * transport): the page decoder then fetches large pages on its own thread (pageDecoder.ts).
   */
  connection?(): ServerConnection;
}

/** Where a pull is asked, by this thread or by the page decoder's. */
export const PULL_PATH = '/v1/sync/pull';

/** A pull over a server client: the answer's body as it arrived. */
export async function pullOver(client: ServerClient, req: PullRequest): Promise<Uint8Array> {
  return (await client.bytes({ method: 'POST', path: PULL_PATH, body: req })).data;
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
    pull: (req) => pullOver(client, req),
    async chain(query) {
      const json = await client.json({ method: 'GET', path: chainPath(query) });
      return parseAnswer(() => chainResponseSchema.parse(json));
    },
    connection: () => client.connection(),
  };
}
