import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault-injecting HTTP proxy for sync tests, between desk cores and the server. Per request,
 * drawn from a seeded generator: drop it (the connection dies before the server sees it), delay
 * it (so requests from several desks, and duplicates, arrive reordered), duplicate it (a second
 * copy reaches the server later, after newer requests), cut the response after the server has
 * committed (half a body, then the socket dies), or answer 5xx either instead of forwarding or
 * after the server committed. `offline` refuses every connection, like a pulled cable.
 */
export interface FaultRates {
  drop: number;
  delay: number;
  duplicate: number;
  cutResponse: number;
  error5xxBefore: number;
  error5xxAfter: number;
}

export interface FaultStats {
  requests: number;
  dropped: number;
  delayed: number;
  duplicated: number;
  cut: number;
  error5xx: number;
  forwarded: number;
}

export interface FaultProxy {
  url: string;
  stats: FaultStats;
  setRates(rates: Partial<FaultRates>): void;
  setOffline(offline: boolean): void;
  /** Waits for delayed and duplicated copies still on their way to the server. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NO_FAULTS: FaultRates = {
  drop: 0,
  delay: 0,
  duplicate: 0,
  cutResponse: 0,
  error5xxBefore: 0,
  error5xxAfter: 0,
};

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export async function startFaultProxy(
  target: string,
  opts: { seed: number; rates?: Partial<FaultRates>; maxDelayMs?: number },
): Promise<FaultProxy> {
  const random = seededRandom(opts.seed);
  const maxDelayMs = opts.maxDelayMs ?? 200;
  let rates: FaultRates = { ...NO_FAULTS, ...opts.rates };
  let offline = false;
  const inFlight = new Set<Promise<unknown>>();
  const stats: FaultStats = {
    requests: 0,
    dropped: 0,
    delayed: 0,
    duplicated: 0,
    cut: 0,
    error5xx: 0,
    forwarded: 0,
  };
  const targetUrl = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  function forward(req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
    const p = new Promise<Upstream>((resolve, reject) => {
      const headers = { ...req.headers, host: targetUrl.host };
      delete headers.connection;
      const up = http.request(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
    stats.forwarded++;
    const tracked = p.catch(() => undefined);
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
    return p;
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Open poke streams (server-sent events), cut when the proxy goes offline or closes. */
  const streams = new Set<() => void>();

  /**
   * The poke stream never ends, so it cannot be buffered like an answer: it is piped through
   * as is, takes no random draws (the seeded faults of the other requests stay the same), and
   * is cut, like a dropped connection, when the proxy goes offline.
   */
  function pipeStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (offline) {
      req.socket.destroy();
      return;
    }
    const headers = { ...req.headers, host: targetUrl.host };
    delete headers.connection;
    const up = http.request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    const cut = () => {
      streams.delete(cut);
      up.destroy();
      req.socket.destroy();
    };
    streams.add(cut);
    up.on('error', cut);
    res.on('close', cut);
    up.end();
  }

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/v1/sync/poke')) return pipeStream(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks));
    });
  });

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
  ): Promise<void> {
    stats.requests++;
    // Every draw happens up front and in the same order, so a seed replays the same faults.
    const draw = {
      drop: random(),
      delay: random(),
      delayMs: random(),
      duplicate: random(),
      dupDelayMs: random(),
      cut: random(),
      before5xx: random(),
      after5xx: random(),
    };
    if (offline || draw.drop < rates.drop) {
      if (!offline) stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (draw.before5xx < rates.error5xxBefore) {
      stats.error5xx++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"unavailable","message":"injected 503"}}');
      return;
    }
    if (draw.delay < rates.delay) {
      stats.delayed++;
      await sleep(Math.floor(draw.delayMs * maxDelayMs));
    }
    if (draw.duplicate < rates.duplicate) {
      stats.duplicated++;
      // The copy arrives later than the original, possibly after the desk's next request.
      const later = sleep(Math.floor(draw.dupDelayMs * maxDelayMs * 2)).then(() =>
        forward(req, body).catch(() => undefined),
      );
      inFlight.add(later);
      void later.finally(() => inFlight.delete(later));
    }
    let up: Upstream;
    try {
      up = await forward(req, body);
    } catch {
      req.socket.destroy();
      return;
    }
    if (draw.after5xx < rates.error5xxAfter) {
      stats.error5xx++;
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"unavailable","message":"injected 502 after commit"}}');
      return;
    }
    const headers = { ...up.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    if (draw.cut < rates.cutResponse && up.body.length > 1) {
      stats.cut++;
      headers['content-length'] = String(up.body.length);
      res.writeHead(up.status, headers);
      res.write(up.body.subarray(0, Math.floor(up.body.length / 2)));
      setImmediate(() => req.socket.destroy());
      return;
    }
    headers['content-length'] = String(up.body.length);
    res.writeHead(up.status, headers);
    res.end(up.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  async function drain(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    drain,
    setRates(r) {
      rates = { ...rates, ...r };
    },
    setOffline(o) {
      offline = o;
      if (o) for (const cut of [...streams]) cut();
    },
    async close() {
      for (const cut of [...streams]) cut();
      await drain();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
