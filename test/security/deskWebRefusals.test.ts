import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { DESK_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../electron/web/loopbackGuard.ts';
import { SOCKET_PATH, startWebServer } from '../../electron/web/webServer.ts';

/**
 * Issue 12: "Web mode logs every refused socket synchronously." A local flood of bad tokens
 * and bad origins must not turn into a flood of synchronous disk writes (that no line is
 * written inside the refusing call is checked in test/shell/refusalLog.test.ts).
 */

const rendererDir = mkdtempSync(join(tmpdir(), 'desk-refusals-'));
mkdirSync(join(rendererDir, 'shell'));
writeFileSync(join(rendererDir, 'shell/index.html'), '<!doctype html><title>desk</title>');
after(() => rmSync(rendererDir, { recursive: true, force: true }));

/** Refusals happen before any call reaches the host: a stub is enough. */
const stubHost = {
  call: async () => ({ ok: true, value: {} }),
  subscribe: () => () => {},
  close: async () => {},
} as unknown as DeskHost;

function knock(port: number, opts: { token: string; origin: string }): Promise<number> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}${SOCKET_PATH}`,
    [DESK_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${opts.token}`],
    { origin: opts.origin },
  );
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

test('300 refused sockets (bad token, bad origin) write at most 10 lines and one suppressed count', async () => {
  const lines: string[] = [];
  const web = await startWebServer({
    host: stubHost,
    rendererDir,
    log: (_level, message) => lines.push(message),
  });
  let refusalLines: string[] = [];
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      statuses.push(
        await knock(web.port, { token: 'wrong', origin: `http://127.0.0.1:${web.port}` }),
        await knock(web.port, { token: web.token, origin: 'https://evil.example' }),
      );
    }
    assert.ok(
      statuses.every((s) => s === 401 || s === 403),
      String(new Set(statuses).size),
    );
    await new Promise((r) => setImmediate(r));
    refusalLines = lines.filter((l) => l.includes('refused a socket'));
    assert.ok(refusalLines.length <= 10, `${refusalLines.length} lines logged`);
    assert.ok(refusalLines.length >= 1);
  } finally {
    await web.close();
  }
  const summary = lines.find((l) => /suppressed \d+ more refused sockets/.test(l));
  assert.ok(summary, 'no suppressed summary on close');
  const suppressed = Number(/suppressed (\d+)/.exec(summary)![1]);
  assert.equal(refusalLines.length + suppressed, 300);
});
