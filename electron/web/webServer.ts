import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { MAX_FRAME_BYTES, requestFrame } from '../../shared/contract/wire.ts';
import { fail } from '../../shared/errors.ts';
import type { DeskHost } from '../host/deskHost.ts';
import { mimeFor, pickEntryPage, resolveAsset } from '../platform/appAssets.ts';
import { securityHeaders } from '../platform/securityPolicy.ts';
import {
  DESK_PROTOCOL,
  isLoopbackHost,
  isLoopbackOrigin,
  newLaunchToken,
  tokenFromProtocols,
  tokenMatches,
} from './loopbackGuard.ts';
import { createRefusalLog } from './refusalLog.ts';
import type { RefusalLogOptions } from './refusalLog.ts';

export interface WebServerOptions {
  host: DeskHost;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  entryPage?: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Rate limit of the refused-socket log (tests shorten the window). */
  refusalLog?: Pick<RefusalLogOptions, 'maxLinesPerWindow' | 'windowMs' | 'nowMs'>;
}

export interface WebServer {
  port: number;
  token: string;
  /** Open this in a browser: the token travels in the fragment, which is never sent to servers. */
  url: string;
  close(): Promise<void>;
}

export const SOCKET_PATH = '/desk';

/**
 * Web mode: the same desk host and contract, served to a browser on 127.0.0.1. Pages and assets
 * go out with the Electron shell's CSP; the WebSocket at /desk accepts only this launch's
 * token, only from this server's own loopback origin.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = newLaunchToken();
  const entryPage = options.entryPage ?? pickEntryPage(options.rendererDir);
  const log = options.log ?? (() => {});
  let port = 0;
  const headers = () => securityHeaders([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  const server = createServer((req, res) => {
    void (async () => {
      if (!isLoopbackHost(req.headers.host, port)) {
        res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', ...headers() }).end();
        return;
      }
      const pathname = new URL(req.url ?? '/', `http://127.0.0.1:${port}`).pathname;
      const file = resolveAsset(options.rendererDir, pathname, entryPage);
      // Browsers ask for a favicon on their own; "none" is an answer, not an error.
      if (!file && pathname === '/favicon.ico') {
        res.writeHead(204, headers()).end();
        return;
      }
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain', ...headers() }).end('not found');
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': mimeFor(file),
        'Cache-Control': 'no-store',
        ...headers(),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch((err: Error) => {
      log('error', `web mode: ${err.message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(DESK_PROTOCOL) ? DESK_PROTOCOL : false),
  });

  // Anything on this machine can knock: refusals are logged rate-limited and never inline.
  const refusals = createRefusalLog({ write: log, ...options.refusalLog });
  function refuse(socket: Duplex, status: string, why: string, req: IncomingMessage): void {
    const origin =
      req.headers.origin === undefined
        ? 'no origin'
        : JSON.stringify(req.headers.origin.slice(0, 100));
    refusals.refuse(`web mode: refused a socket from ${origin}: ${why}`);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== SOCKET_PATH) return refuse(socket, '404 Not Found', 'wrong path', req);
    if (!isLoopbackHost(req.headers.host, port))
      return refuse(socket, '403 Forbidden', 'host', req);
    if (!isLoopbackOrigin(req.headers.origin, port))
      return refuse(socket, '403 Forbidden', 'origin', req);
    const offered = tokenFromProtocols(req.headers['sec-websocket-protocol']);
    if (!tokenMatches(token, offered)) return refuse(socket, '401 Unauthorized', 'token', req);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    // Oversized or broken frames close this socket (ws picks the close code); they must never
    // surface as an unhandled 'error' that takes the desk down.
    ws.on('error', (err) => refusals.refuse(`web mode socket: ${err.message.slice(0, 200)}`));
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let frame: unknown;
        try {
          frame = isBinary ? null : JSON.parse(String(data));
        } catch {
          frame = null;
        }
        const parsed = requestFrame.safeParse(frame);
        if (!parsed.success) {
          ws.send(JSON.stringify({ id: null, result: fail('invalid_input', 'malformed frame') }));
          return;
        }
        const result = await options.host.call(parsed.data.method, parsed.data.input);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: parsed.data.id, result }));
      })();
    });
  });

  const unsubscribe = options.host.subscribe((topic, payload) => {
    const message = JSON.stringify({ topic, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      unsubscribe();
      refusals.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
