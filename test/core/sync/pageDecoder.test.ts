import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import {
  createServerClient,
  SERVER_REQUEST_HEADERS,
  ServerCallError,
} from '../../../electron/net/serverClient.ts';
import { createHttpTransport, PULL_PATH } from '../../../electron/core/sync/syncTransport.ts';
import type { PullRequest } from '../../../shared/sync/protocol.ts';
import { createPageDecoder } from '../../../electron/core/sync/pageDecoder.ts';
import {
  decodePullBody,
  eventRow,
  orderRow,
  txnRow,
} from '../../../electron/core/sync/pulledPage.ts';
import type { Change } from '../../../shared/sync/protocol.ts';
import { paidOrdersPage } from '../../fixtures/pullPages.ts';

const REJECTION: Change = {
  kind: 'rejection',
  mutationId: 7,
  commandId: '0190f1e2-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
  command: { type: 'ship', orderId: 'pd00000', carrier: 'sf', trackingNo: 'SF1' },
  error: { code: 'invalid_state', message: 'already shipped' },
};

const pageOf = (orders: number, more = false) =>
  paidOrdersPage({ orders, cookie: 'c9', more, extra: [REJECTION] });

test('a pull page decodes into the rows the replica stores, from text or UTF-8 bytes', () => {
  const { text, changes } = pageOf(3, true);
  const page = decodePullBody(text);
  assert.deepEqual(
    { cookie: page.cookie, lastMutationId: page.lastMutationId, more: page.more },
    { cookie: 'c9', lastMutationId: 0, more: true },
  );
  assert.equal(page.size, changes.length);
  const of = <K extends Change['kind']>(kind: K) =>
    changes.filter((c): c is Extract<Change, { kind: K }> => c.kind === kind);
  assert.deepEqual(
    page.orders,
    of('order').map((c) => orderRow(c.order)),
  );
  assert.deepEqual(
    page.txns,
    of('ledger_txn').map((c) => txnRow(c.txn)),
  );
  assert.deepEqual(
    page.events,
    of('order_event').map((c) => eventRow(c.entry)),
  );
  assert.deepEqual(page.rejections, of('rejection'));
  // The stored state is the order as sent; the lookup's columns are what it shows.
  const [row] = page.orders;
  assert.deepEqual(JSON.parse(row![5]), of('order')[0]!.order);
  assert.equal(row![8], '明前龙井 0');
  assert.deepEqual(decodePullBody(new TextEncoder().encode(text)), page);
});

test('a body that is not a pull answer is a transient failure, never data', () => {
  const transient = (body: string | Uint8Array, message: RegExp) =>
    assert.throws(
      () => decodePullBody(body),
      (err: unknown) =>
        err instanceof ServerCallError &&
        err.transient &&
        err.code === 'unavailable' &&
        message.test(err.message),
    );
  transient('{"cookie":"c1","changes":[', /unreadable answer/);
  transient(new Uint8Array([0xff, 0x00, 0x7b]), /unreadable answer/);
  transient('{"cookie":"c1","lastMutationId":0,"changes":[],"more":"no"}', /protocol.*more/);
  const { text } = pageOf(1);
  transient(text.replace('"amountFen":', '"amountFen":-'), /protocol/);
  transient(`[${'['.repeat(5000)}${']'.repeat(5000)}]`, /protocol/);
});

test('a large page is decoded on the decoding thread into the same rows', async () => {
  const decoder = createPageDecoder({ minWorkerBytes: 1024 });
  try {
    const { text } = pageOf(40);
    // Until the thread has loaded, pages are decoded here.
    assert.equal(await decoder.warm(), true);
    const fromThread = await decoder.decode(text);
    const fromBytes = await decoder.decode(new TextEncoder().encode(text));
    assert.equal(decoder.decodedOnThread(), 2);
    assert.deepEqual(fromThread, decodePullBody(text));
    assert.deepEqual(fromBytes, fromThread);
    // A small page stays here: a round trip costs more than decoding it.
    await decoder.decode(pageOf(0).text);
    assert.equal(decoder.decodedOnThread(), 2);
  } finally {
    await decoder.close();
  }
});

test("the decoding thread's refusal keeps its classification", async () => {
  const decoder = createPageDecoder({ minWorkerBytes: 16 });
  try {
    assert.equal(await decoder.warm(), true);
    await assert.rejects(
      decoder.decode(`{"cookie":"c1",${' '.repeat(64)}`),
      (err: unknown) =>
        err instanceof ServerCallError &&
        err.transient &&
        !err.network &&
        err.status === 200 &&
        err.code === 'unavailable',
    );
    const { text } = pageOf(2);
    await assert.rejects(
      decoder.decode(text.replace('"more":false', '"more":0')),
      (err: unknown) => err instanceof ServerCallError && /protocol/.test(err.message),
    );
  } finally {
    await decoder.close();
  }
});

test('a page out on the thread when it ends is decoded here, not lost', async () => {
  const decoder = createPageDecoder({ minWorkerBytes: 1024 });
  assert.equal(await decoder.warm(), true);
  const { text } = pageOf(40);
  const out = decoder.decode(text);
  await decoder.close();
  assert.deepEqual(await out, decodePullBody(text));
  // Closed: later pages are decoded here too.
  assert.equal((await decoder.decode(text)).orders.length, 40);
  assert.equal(await decoder.warm(), false);
});

test('an idle decoding thread does not keep the process alive', { timeout: 60_000 }, (t) => {
  // A process that decoded a page on the thread and has nothing left to do ends by itself.
  const dir = mkdtempSync(join(tmpdir(), 'page-decoder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const decoderUrl = new URL('../../../electron/core/sync/pageDecoder.ts', import.meta.url);
  const script = join(dir, 'decodeOnce.mts');
  writeFileSync(
    script,
    `const { createPageDecoder } = await import(${JSON.stringify(decoderUrl.href)});
    const decoder = createPageDecoder({ minWorkerBytes: 16 });
    if (!(await decoder.warm())) process.exit(3);
    const page = await decoder.decode(JSON.stringify({ cookie: 'c1', lastMutationId: 0, changes: [], more: false }));
    // And one whose thread is started by a page and never used: the page is decoded here.
    const cold = createPageDecoder({ minWorkerBytes: 16 });
    await cold.decode(JSON.stringify({ cookie: 'c2', lastMutationId: 0, changes: [], more: false }));
    console.log(decoder.decodedOnThread(), page.cookie);`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    timeout: 50_000,
  });
  assert.equal(r.signal, null, 'the process had to be killed: the thread kept it alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1 c1');
});

test('an idle decoding thread ends, and the next large page starts another', async () => {
  const decoder = createPageDecoder({ minWorkerBytes: 1024, idleMs: 20 });
  try {
    const { text } = pageOf(40);
    assert.equal(await decoder.warm(), true);
    await decoder.decode(text);
    assert.equal(decoder.decodedOnThread(), 1);
    while (decoder.threadState() !== 'none') await new Promise((r) => setTimeout(r, 10));
    assert.equal(await decoder.warm(), true);
    assert.deepEqual(await decoder.decode(text), decodePullBody(text));
    assert.equal(decoder.decodedOnThread(), 2);
  } finally {
    await decoder.close();
  }
  assert.equal(decoder.threadState(), 'failed');
});

/** A pull endpoint that records each request and answers with `answer`. */
async function pullServer(
  t: TestContext,
  answer: (res: ServerResponse, n: number) => void,
): Promise<{ url: string; seen: Array<{ headers: IncomingHttpHeaders; body: unknown }> }> {
  const seen: Array<{ headers: IncomingHttpHeaders; body: unknown }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      assert.equal(`${req.method} ${req.url}`, `POST ${PULL_PATH}`);
      seen.push({ headers: req.headers, body: JSON.parse(text) });
      answer(res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

const httpTransport = (url: string) =>
  createHttpTransport(createServerClient({ baseUrl: url, token: () => 'tok-1' }));
const REQ: PullRequest = {
  clientId: '0190f1e2-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
  cookie: 'c8',
  limit: 5000,
};

test('a large pull is asked for by the thread itself, as the desk asks, and decoded there', async (t) => {
  const { text } = pageOf(40);
  const small = pageOf(0).text;
  const { url, seen } = await pullServer(t, (res, n) => res.end(n === 1 ? text : small));
  const decoder = createPageDecoder({ minWorkerBytes: 1024 });
  t.after(() => decoder.close());
  assert.equal(await decoder.warm(), true);
  assert.deepEqual(await decoder.pull(httpTransport(url), REQ, true), decodePullBody(text));
  assert.equal(decoder.decodedOnThread(), 1);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]!.body, REQ);
  assert.equal(seen[0]!.headers.authorization, 'Bearer tok-1');
  for (const [name, value] of Object.entries(SERVER_REQUEST_HEADERS))
    assert.equal(seen[0]!.headers[name.toLowerCase()], value);
  // An incremental pull is asked here, and its small page decoded here: not worth the thread.
  assert.deepEqual(await decoder.pull(httpTransport(url), REQ, false), decodePullBody(small));
  assert.equal(decoder.decodedOnThread(), 1);
  assert.equal(seen.length, 2);
});

test("a refusal of a pull asked by the thread keeps the server's code", async (t) => {
  const { url } = await pullServer(t, (res) => {
    res.statusCode = 401;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'session expired' } }));
  });
  const decoder = createPageDecoder({ minWorkerBytes: 1024 });
  t.after(() => decoder.close());
  assert.equal(await decoder.warm(), true);
  await assert.rejects(
    decoder.pull(httpTransport(url), REQ, true),
    (err: unknown) =>
      err instanceof ServerCallError &&
      err.code === 'unauthorized' &&
      !err.transient &&
      err.status === 401 &&
      err.message === 'session expired',
  );
});

test('a pull out on the thread when it ends is asked again here, not lost', async (t) => {
  const { text } = pageOf(40);
  // The first ask (the thread's) is never answered; the second (here) is.
  const { url, seen } = await pullServer(t, (res, n) => {
    if (n > 1) res.end(text);
  });
  const decoder = createPageDecoder({ minWorkerBytes: 1024 });
  assert.equal(await decoder.warm(), true);
  const out = decoder.pull(httpTransport(url), REQ, true);
  while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
  await decoder.close();
  assert.deepEqual(await out, decodePullBody(text));
  assert.equal(seen.length, 2);
});
