import { parentPort } from 'node:worker_threads';
import { ServerCallError } from '../../net/serverClient.ts';
import type { PageDecodeReply, PageDecodeRequest } from './pageDecoder.ts';
import { decodePullBody } from './pulledPage.ts';

/**
 * The thread pageDecoder.ts decodes large pull pages on: each request's body decoded into the
 * replica's rows and posted back, or the failure with its classification.
 */
const port = parentPort;
if (!port) throw new Error('pageDecodeWorker must run as a worker thread');
const post = (reply: PageDecodeReply) => port.postMessage(reply);

port.on('message', ({ id, body }: PageDecodeRequest) => {
  try {
    post({ kind: 'page', id, page: decodePullBody(body) });
  } catch (err) {
    const call =
      err instanceof ServerCallError
        ? { transient: err.transient, network: err.network, status: err.status, code: err.code }
        : null;
    post({ kind: 'failed', id, message: (err as Error).message, call });
  }
});
post({ kind: 'ready' });
