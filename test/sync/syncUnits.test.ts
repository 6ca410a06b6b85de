import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { backoffDelayMs } from '../../electron/core/sync/backoff.ts';
import { ServerCallError, createServerClient } from '../../electron/net/serverClient.ts';
import { createHttpTransport } from '../../electron/core/sync/syncTransport.ts';
import { createSyncStatusHub } from '../../electron/core/sync/syncStatus.ts';
import type { SyncStatus } from '../../electron/core/sync/syncStatus.ts';
import { describeChange, nextActionsFor } from '../../electron/core/sync/syncIssues.ts';
import { decide } from '../../shared/escrow/decide.ts';
import { applyEvents } from '../../shared/escrow/evolve.ts';
import type { OrderState } from '../../shared/escrow/types.ts';
import { isDeskError } from '../../shared/errors.ts';
import { parsePullResponse } from '../../shared/sync/parsePullResponse.ts';
import {
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
  pullResponseSchema,
} from '../../shared/sync/protocol.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { chainAsOf, decodeCookie, encodeCookie } from '../../server/sync/syncCookie.ts';
import { seededRandom } from './faultProxy.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

function order(): OrderState {
  const d = decide(
    null,
    {
      type: 'create_order',
      orderId: 'o1',
      merchantId: 'm1',
      buyerId: 'b1',
      currency: 'CNY',
      amountFen: 5000,
      feeBps: 60,
      goodsKind: 'express',
      recipient: TEST_RECIPIENT,
      item: { title: 'Tea', quantity: 1 },
    },
    { now: 1_800_000_000_000, actor: { role: 'buyer', userId: 'b1' } },
  );
  assert.ok(d.ok);
  return applyEvents(null, d.events);
}

const txn = (legs: { account: string; amountFen: number }[]) => ({
  shard: 0,
  seq: 3,
  txnId: 't3',
  commandId: 'c3',
  kind: 'payment_confirmed',
  at: 1,
  currency: 'CNY',
  orderId: 'o1',
  legs,
  prevHash: 'b'.repeat(64),
  hash: 'a'.repeat(64),
});

describe('backoff', () => {
  test('waits grow exponentially up to the cap, with full jitter below that bound', () => {
    const opts = { baseMs: 100, capMs: 5_000 };
    assert.equal(backoffDelayMs(0, { ...opts, random: () => 0.999 }), 99);
    assert.equal(backoffDelayMs(3, { ...opts, random: () => 0.5 }), 400);
    assert.equal(backoffDelayMs(20, { ...opts, random: () => 0.999 }), 4995);
    assert.equal(backoffDelayMs(3, { ...opts, random: () => 0 }), 0);
  });
  test('the same seed gives the same waits', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const run = (r: () => number) =>
      Array.from({ length: 8 }, (_, i) =>
        backoffDelayMs(i, { baseMs: 10, capMs: 1000, random: r }),
      );
    assert.deepEqual(run(a), run(b));
  });
});

describe('pull cookies', () => {
  test('snapshot and log cookies round-trip, order ids with dots included', () => {
    const v = (...pairs: Array<[number, number]>) => new Map(pairs);
    for (const c of [
      { kind: 'log' as const, cursors: v([3, 123]) },
      { kind: 'log' as const, cursors: v([0, 5], [7, 0], [15, 9]) },
      { kind: 'snapshot' as const, hw: v([2, 9]), lmid: 4, phase: 'o' as const, key: 'a.b.c' },
      { kind: 'snapshot' as const, hw: v([2, 9], [4, 1]), lmid: 0, phase: 't' as const, key: '77' },
    ]) {
      assert.deepEqual(decodeCookie(encodeCookie(c)), c);
    }
    assert.equal(encodeCookie({ kind: 'log', cursors: v([15, 9], [0, 5]) }), 'l2.0:5,15:9');
  });
  test('anything this server did not make is refused', () => {
    for (const text of [
      '',
      // Protocol 1's cookies: an old replica starts over rather than mis-read one.
      'l1.5',
      's1.9.4.o.a',
      'l2.',
      'l2.-1:1',
      'l2.1:01',
      'l2.16:1',
      'l2.1:1,1:2',
      'l2.1:1:1',
      'x1.3',
      's2.1:1.2.z.',
      's2.1:1.2.t.abc',
      's2.a.2.o.',
      's2..2.o.',
    ]) {
      assert.equal(decodeCookie(text), null, text);
    }
  });
  test('a chain is taken as of a log cookie; mid-bootstrap or without one, as of now', () => {
    assert.deepEqual(chainAsOf('l2.3:41'), new Map([[3, 41]]));
    assert.equal(chainAsOf('s2.3:9.4.o.a'), null);
    assert.equal(chainAsOf(undefined), null);
    assert.throws(
      () => chainAsOf('l1.41'),
      (e: unknown) => isDeskError(e) && e.code === 'invalid_input',
    );
  });
});

describe('pull answers', () => {
  test('orders and balanced journal rows pass, and match the zod schema', () => {
    const value = {
      cookie: 'l1.5',
      lastMutationId: 2,
      more: false,
      changes: [
        { kind: 'order', order: order() },
        {
          kind: 'ledger_txn',
          txn: txn([
            { account: 'platform:bank:icbc', amountFen: 5000 },
            { account: 'escrow:order:o1', amountFen: -5000 },
          ]),
        },
      ],
    };
    const parsed = parsePullResponse(value);
    assert.equal(parsed.changes.length, 2);
    assert.equal(pullResponseSchema.safeParse(value).success, true);
  });
  test('an unbalanced journal row, a float amount or an unknown kind is refused', () => {
    const base = { cookie: 'l1.5', lastMutationId: 0, more: false };
    const cases = [
      [
        {
          kind: 'ledger_txn',
          txn: txn([
            { account: 'a', amountFen: 5 },
            { account: 'b', amountFen: -4 },
          ]),
        },
      ],
      [
        {
          kind: 'ledger_txn',
          txn: txn([
            { account: 'a', amountFen: 0.5 },
            { account: 'b', amountFen: -0.5 },
          ]),
        },
      ],
      // Sums to 0 in floating point (2^53 + 1 rounds to 2^53), to 1 in fact.
      [
        {
          kind: 'ledger_txn',
          txn: txn([
            { account: 'a', amountFen: Number.MAX_SAFE_INTEGER },
            { account: 'b', amountFen: 1 },
            { account: 'c', amountFen: 1 },
            { account: 'd', amountFen: -Number.MAX_SAFE_INTEGER },
            { account: 'e', amountFen: -1 },
          ]),
        },
      ],
      [{ kind: 'order', order: { ...order(), heldFen: -1 } }],
      [{ kind: 'gossip' }],
    ];
    for (const changes of cases) {
      assert.throws(
        () => parsePullResponse({ ...base, changes }),
        (e: unknown) => isDeskError(e) && e.code === 'invalid_input',
      );
    }
  });
});

describe('pull answers: timeline entries', () => {
  const entry = {
    orderId: 'o1',
    version: 1,
    type: 'order_created',
    at: 1_800_000_000_000,
    commandId: 'c-1',
    actor: { role: 'buyer', userId: 'b1' },
    event: { type: 'order_created' },
  };
  const hostile: Array<[string, unknown]> = [
    ['not an object', 'x'],
    ['an array', [entry]],
    ['version 0', { ...entry, version: 0 }],
    ['a float version', { ...entry, version: 1.5 }],
    ['a negative time', { ...entry, at: -1 }],
    ['a time as text', { ...entry, at: '1800000000000' }],
    ['an order id over 80', { ...entry, orderId: 'o'.repeat(81) }],
    ['a type over 60', { ...entry, type: 't'.repeat(61) }],
    ['a command id over 100', { ...entry, commandId: 'c'.repeat(101) }],
    ['no actor', { ...entry, actor: null }],
    ['an actor user over 200', { ...entry, actor: { role: 'buyer', userId: 'u'.repeat(201) } }],
    ['an event array', { ...entry, event: [] }],
    ['an event null', { ...entry, event: null }],
  ];
  const answer = (e: unknown) => ({
    cookie: 'l1.5',
    lastMutationId: 0,
    more: false,
    changes: [{ kind: 'order_event', entry: e }],
  });
  test('the structural check takes what the schema takes, and keeps only its fields', () => {
    const parsed = parsePullResponse(answer({ ...entry, extra: 'dropped' }));
    assert.deepEqual(parsed.changes, [{ kind: 'order_event', entry }]);
    assert.equal(pullResponseSchema.safeParse(answer(entry)).success, true);
  });
  for (const [what, e] of hostile) {
    test(`an entry with ${what} is refused, as the schema refuses it`, () => {
      assert.equal(pullResponseSchema.safeParse(answer(e)).success, false);
      assert.throws(
        () => parsePullResponse(answer(e)),
        (err: unknown) => isDeskError(err) && err.code === 'invalid_input',
      );
    });
  }
});

describe('sync issues', () => {
  test('what changed names status, refunds and claims that moved', () => {
    const base = order();
    const now = { ...base, status: 'refunded' as const, version: base.version + 3 };
    assert.equal(describeChange(base, now), 'status awaiting_payment → refunded');
    assert.equal(describeChange(base, base), 'the order is unchanged (awaiting_payment)');
    assert.equal(describeChange(base, null), 'the order is not visible to this desk');
  });
  test('next actions follow the refusal code', () => {
    assert.deepEqual(nextActionsFor('invalid_tracking_number', order()), [
      'view_order',
      'edit_and_retry',
      'acknowledge',
    ]);
    assert.deepEqual(nextActionsFor('forbidden', null), ['contact_admin', 'acknowledge']);
  });
});

describe('sync status', () => {
  test('subscribers get the current status at once and every change after, not repeats', () => {
    const hub = createSyncStatusHub({
      state: 'idle',
      online: false,
      pendingMutations: 0,
      openIssues: 0,
      lastSyncedAt: null,
      message: null,
      bootstrap: null,
    });
    const seen: SyncStatus[] = [];
    const off = hub.subscribe((s) => seen.push(s));
    hub.update({ pendingMutations: 3 });
    hub.update({ pendingMutations: 3 });
    hub.update({ state: 'offline', message: 'no answer' });
    off();
    hub.update({ state: 'idle' });
    assert.deepEqual(
      seen.map((s) => [s.state, s.pendingMutations]),
      [
        ['idle', 0],
        ['idle', 3],
        ['offline', 3],
      ],
    );
  });
});

describe('protocol version', () => {
  test('the desk names its protocol on every call and takes upgrade_required as lasting', async () => {
    const seen: (string | undefined)[] = [];
    const http = createServer((req, res) => {
      seen.push(req.headers[SYNC_PROTOCOL_HEADER] as string | undefined);
      res.writeHead(426, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'upgrade_required', message: 'update Escrow Desk' } }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    try {
      const transport = createHttpTransport(
        createServerClient({
          baseUrl: `http://127.0.0.1:${port}`,
          token: () => 'token-for-test-only',
        }),
      );
      await assert.rejects(transport.pull({ clientId: uuidv7(), cookie: null }), (err: unknown) => {
        assert.ok(err instanceof ServerCallError);
        assert.equal(err.code, 'upgrade_required');
        assert.equal(err.transient, false, 'not retried as if the network had failed');
        return true;
      });
      await assert.rejects(transport.chain({ upTo: '0:1', cookie: null }));
      assert.deepEqual(seen, [String(SYNC_PROTOCOL), String(SYNC_PROTOCOL)]);
    } finally {
      http.close();
    }
  });
});

describe('answer size', () => {
  test('an answer past the cap is read no further and refused as lasting, declared or streamed', async () => {
    let streamedBytes = 0;
    const http = createServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1 << 30 });
        res.write('{"cookie":"');
        return;
      }
      // No length: a body that never ends, as a faulty proxy or a hostile server may send.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const more = () => {
        while (!res.destroyed && res.write(chunk)) streamedBytes += chunk.length;
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const client = createServerClient({
      baseUrl: `http://127.0.0.1:${port}`,
      maxAnswerBytes: 1024 * 1024,
    });
    try {
      for (const path of ['/declared', '/streamed']) {
        for (const read of [
          () => client.json({ method: 'GET', path }),
          () => client.bytes({ method: 'GET', path }),
        ])
          await assert.rejects(read(), (err: unknown) => {
            assert.ok(err instanceof ServerCallError, String(err));
            assert.equal(err.code, 'payload_too_large', path);
            assert.equal(err.transient, false, 'asking again brings the same');
            return true;
          });
      }
      // The endless body was cut off near the cap, not read to the end of memory.
      assert.ok(streamedBytes < 64 * 1024 * 1024, `${streamedBytes} bytes were sent`);
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });
});
