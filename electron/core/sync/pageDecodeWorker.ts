import { parentPort } from 'node:worker_threads';
import { clientFor, ServerCallError } from '../../net/serverClient.ts';
import type { PageDecodeReply, PageDecodeRequest } from './pageDecoder.ts';
import { decodePullBody } from './pulledPage.ts';
import type { PullBody } from './pulledPage.ts';
import { pullOver } from './syncTransport.ts';

/**
 * The thread pageDecoder.ts decodes large pull pages on: each request's body (or the answer
 * to the pull it names, asked from this thread with the desk's one server client) decoded into
 * the replica's rows and posted back, or the failure with its classification.
 */
const port = parentPort;
if (!port) throw new Error('pageDecodeWorker must run as a worker thread');
const post = (reply: PageDecodeReply) => port.postMessage(reply);

/** The request's body, or the answer to the pull it names, asked from here. */
async function bodyOf(request: PageDecodeRequest): Promise<PullBody> {
  if ('body' in request) return request.body;
  return pullOver(clientFor(request.pull.connection), request.pull.req);
}

port.on('message', async (request: PageDecodeRequest) => {
  const { id } = request;
  try {
    post({ kind: 'page', id, page: decodePullBody(await bodyOf(request)) });
  } catch (err) {
    const call =
      err instanceof ServerCallError
        ? { transient: err.transient, network: err.network, status: err.status, code: err.code }
        : null;
    post({ kind: 'failed', id, message: (err as Error).message, call });
  }
});
post({ kind: 'ready' });
