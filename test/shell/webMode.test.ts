import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { uuidv7 } from '../../shared/ids.ts';
import { DESK_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../electron/web/loopbackGuard.ts';
import { SOCKET_PATH, startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { startDemoHost } from './deskHostFixture.ts';

const fixture = startDemoHost();
const rendererDir = mkdtempSync(join(tmpdir(), 'desk-web-'));
mkdirSync(join(rendererDir, 'shell'));
writeFileSync(join(rendererDir, 'shell/index.html'), '<!doctype html><title>desk</title>');
let web: WebServer;

before(async () => {
  web = await startWebServer({ host: fixture.host, rendererDir });
});
after(async () => {
  await web.close();
  await fixture.cleanup();
  rmSync(rendererDir, { recursive: true, force: true });
});

type Attempt = { ws: WebSocket; status: null } | { ws: null; status: number };

/** A real WebSocket handshake; resolves with the open socket or the HTTP status refusing it. */
function connect(opts: {
  token?: string | null;
  origin?: string | null;
  host?: string;
}): Promise<Attempt> {
  const origin = opts.origin === undefined ? `http://127.0.0.1:${web.port}` : opts.origin;
  const token = opts.token === undefined ? web.token : opts.token;
  const protocols = [
    DESK_PROTOCOL,
    ...(token === null ? [] : [`${TOKEN_PROTOCOL_PREFIX}${token}`]),
  ];
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}${SOCKET_PATH}`, protocols, {
    ...(origin === null ? {} : { origin }),
    ...(opts.host ? { headers: { host: opts.host } } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, status: null }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws: null, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

function rpc(
  ws: WebSocket,
  id: number,
  method: string,
  input: unknown,
): Promise<{
  id: number | null;
  result: { ok: boolean; value?: unknown; error?: { code: string } };
}> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as { id?: number | null; result?: never };
      if ('result' in frame && (frame.id === id || frame.id === null)) {
        ws.off('message', onMessage);
        resolve(frame as never);
      }
    };
    ws.on('message', onMessage);
    ws.send(
      typeof input === 'string' && method === '' ? input : JSON.stringify({ id, method, input }),
    );
  });
}

test('web mode refuses sockets without the launch token or with a wrong one', async () => {
  assert.equal((await connect({ token: null })).status, 401);
  assert.equal((await connect({ token: '0'.repeat(64) })).status, 401);
  assert.equal((await connect({ token: web.token.slice(0, 63) })).status, 401);
  assert.equal((await connect({ token: `${web.token}0` })).status, 401);
  assert.equal((await connect({ token: '' })).status, 401);
});

test('web mode refuses sockets from other origins, without an origin, or via another host name', async () => {
  for (const origin of [
    'http://evil.example',
    `http://evil.example:${web.port}`,
    `https://127.0.0.1:${web.port}`,
    `http://127.0.0.1:${web.port + 1}`,
    `http://127.0.0.1.evil.example:${web.port}`,
    'null',
    null,
  ]) {
    assert.equal((await connect({ origin })).status, 403, String(origin));
  }
  assert.equal((await connect({ host: `evil.example:${web.port}` })).status, 403);
});

test('with the token from the loopback origin, calls are answered and events pushed', async () => {
  const attempt = await connect({});
  assert.ok(attempt.ws, 'the right token and origin must connect');
  const ws = attempt.ws;
  assert.equal(ws.protocol, DESK_PROTOCOL);
  let sawShipped: () => void = () => {};
  const shippedEvent = new Promise<void>((resolve) => (sawShipped = resolve));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as {
      topic?: string;
      payload?: { orderIds?: string[] };
    };
    if (frame.topic === 'orders.changed' && frame.payload?.orderIds?.includes('demo-order-003'))
      sawShipped();
  });

  const signIn = await rpc(ws, 1, 'session.signIn', {
    username: 'staff1',
    password: 'escrow-demo-2005',
  });
  assert.equal(signIn.id, 1);
  assert.equal(signIn.result.ok, true);
  const list = await rpc(ws, 2, 'orders.list', { limit: 5 });
  assert.equal(list.result.ok, true);
  // An own "__proto__" key, as JSON.parse makes it: refused, never merged into a prototype.
  const bad = await rpc(
    ws,
    3,
    '',
    '{"id":3,"method":"orders.list","input":{"limit":5,"__proto__":{"x":1}}}',
  );
  assert.equal(bad.id, 3);
  assert.equal(bad.result.error?.code, 'invalid_input');
  const garbage = await rpc(ws, 4, '', '{not json');
  assert.equal(garbage.id, null);
  assert.equal(garbage.result.error?.code, 'invalid_input');

  const shipped = await rpc(ws, 5, 'shipments.ship', {
    commandId: uuidv7(),
    orderId: 'demo-order-003',
    carrier: 'sf',
    trackingNo: 'SF100200000009',
  });
  assert.equal(shipped.result.ok, true, JSON.stringify(shipped));
  // The event is pushed to the socket: wait for it (the test times out if it never comes).
  await shippedEvent;

  // A frame over the cap closes the socket (1009) instead of being buffered.
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(JSON.stringify({ id: 6, method: 'orders.list', input: { pad: 'x'.repeat(300_000) } }));
  assert.equal(await closed, 1009);
});

function httpGet(
  path: string,
  host: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: web.port, path, method, headers: { host } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('pages go out with the CSP, only to loopback host names, and only for GET', async () => {
  const page = await httpGet('/', `127.0.0.1:${web.port}`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'; /);
  assert.match(
    String(page.headers['content-security-policy']),
    new RegExp(`connect-src 'self' ws://127.0.0.1:${web.port}`),
  );
  assert.equal((await httpGet('/', `rebound.evil.example:${web.port}`)).status, 421);
  assert.equal((await httpGet('/', `127.0.0.1:${web.port}`, 'POST')).status, 405);
  assert.equal((await httpGet('/../../package.json', `127.0.0.1:${web.port}`)).status, 404);
});

test('1,000 generated garbage frames each get a typed refusal and the desk keeps answering', async () => {
  const attempt = await connect({});
  assert.ok(attempt.ws);
  const ws = attempt.ws;
  const replies: Array<{ id: unknown; result: { ok: boolean; error?: { code: string } } }> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { topic?: string };
    if (!frame.topic) replies.push(frame as never);
  });
  const frames = fc.sample(
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json().map((j) => j),
      fc.anything().map((a) => JSON.stringify({ id: 1, method: 'orders.get', input: a }) ?? 'null'),
      fc
        .record({ id: fc.anything(), method: fc.anything(), input: fc.anything() })
        .map((r) => JSON.stringify(r) ?? 'null'),
      fc.constantFrom(
        '{"id":1,"method":"constructor","input":{}}',
        '{"__proto__":{"id":1}}',
        '[]',
        'null',
        '1e309',
      ),
    ),
    { numRuns: 1000, seed: 42 },
  );
  for (const frame of frames) ws.send(frame);
  const deadline = Date.now() + 20_000;
  while (replies.length < frames.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal(replies.length, frames.length, 'every frame is answered');
  for (const reply of replies) {
    if (reply.result.ok) continue; // a frame that happened to be a valid call
    assert.ok(
      ['invalid_input', 'unknown_method', 'unauthorized', 'order_not_found'].includes(
        reply.result.error!.code,
      ),
      reply.result.error!.code,
    );
  }
  const health = await rpc(ws, 99_999, 'ledger.verify', {});
  assert.ok(health.result.ok || health.result.error?.code === 'unauthorized');
  assert.equal(fixture.host.core.restarts, 0);
  ws.close();
});
