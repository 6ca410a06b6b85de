import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import {
  MIN_SYNC_PROTOCOL,
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
} from '../../shared/sync/protocol.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, tempDir } from './syncTestDesk.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

/** The fields these tests read from push, pull and error answers. */
interface ApiJson {
  lastMutationId: number;
  results: { id: number; status: string; error?: { code: string } }[];
  changes: { kind: string; mutationId?: number }[];
  error: { code: string };
}

let server: SyncTestServer;
let dir: string;

before(async () => {
  server = await startSyncServer('sync_push_pull');
  dir = tempDir();
  for (let i = 1; i <= 20; i++) await paidOrder(server, `o${String(i).padStart(3, '0')}`);
});
after(async () => {
  await server.close();
  removeDir(dir);
});

function send(path: string, token: string, body: unknown): Promise<Response> {
  return fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function post(
  path: string,
  token: string,
  body: unknown,
): Promise<{ status: number; json: ApiJson }> {
  const res = await send(path, token, body);
  return { status: res.status, json: (await res.json()) as ApiJson };
}

const ship = (orderId: string, trackingNo = `SF${orderId.replace(/\D/g, '')}0001`) => ({
  type: 'ship' as const,
  orderId,
  carrier: 'SF Express',
  trackingNo,
});

describe('push and pull', () => {
  test('a fresh desk bootstraps every order and journal row of its merchant, and its chain matches the server', async () => {
    const desk = openDesk(
      join(dir, 'a.sqlite'),
      server.url,
      server.tokens.get('staff1')!,
      server.actors.get('staff1')!,
      {
        bootstrapPageLimit: 7,
      },
    );
    await desk.client.syncOnce();
    assert.equal(desk.client.listOrderIds().length, 20);
    const o = desk.client.getOrder('o005');
    assert.equal(o?.order.status, 'funds_held');
    assert.equal(o?.provisional, false);
    const v = await desk.client.verifyReplica();
    assert.equal(v.transactions, 20, 'one payment per order');
    assert.deepEqual(v.problems, []);
    assert.equal(v.comparedWithServer, true);
    const escrow = desk.client.confirmedBalances().find((b) => b.account === 'escrow:order:o005');
    assert.equal(escrow?.balanceFen, -10_000);
    desk.close();
  });

  test('an action made offline shows provisionally and is confirmed by push and pull', async () => {
    const desk = openDesk(
      join(dir, 'b.sqlite'),
      server.url,
      server.tokens.get('staff2')!,
      server.actors.get('staff2')!,
    );
    await desk.client.syncOnce();
    const r = desk.client.enqueue(ship('o001'));
    assert.equal(r.order.status, 'shipped');
    assert.equal(desk.client.getOrder('o001')?.provisional, true);
    assert.equal(desk.client.pendingCount(), 1);
    assert.equal(desk.client.confirmedOrder('o001')?.status, 'funds_held');
    await desk.client.syncOnce();
    assert.equal(desk.client.pendingCount(), 0);
    const after = desk.client.getOrder('o001');
    assert.equal(after?.provisional, false);
    assert.equal(after?.order.status, 'shipped');
    const onServer = await server.db.query<{ status: string }>(
      "SELECT status FROM orders WHERE order_id = 'o001'",
    );
    assert.equal(onServer.rows[0]?.status, 'shipped');
    desk.close();
  });

  test('a retried push gets the stored answers and applies nothing twice', async () => {
    const token = server.tokens.get('staff3')!;
    const clientId = uuidv7();
    const body = {
      clientId,
      mutations: [
        { id: 1, commandId: uuidv7(), command: ship('o002'), clientTime: Date.now() },
        { id: 2, commandId: uuidv7(), command: ship('o002'), clientTime: Date.now() },
      ],
    };
    const first = await post('/v1/sync/push', token, body);
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.json.results.map((r: { status: string }) => r.status),
      ['applied', 'rejected'],
    );
    assert.equal(first.json.results[1]!.error?.code, 'invalid_state');
    const events = async () =>
      (await server.db.query("SELECT 1 FROM order_events WHERE order_id = 'o002'")).rowCount;
    const before = await events();
    const second = await post('/v1/sync/push', token, body);
    assert.deepEqual(second.json, first.json);
    assert.equal(await events(), before);
  });

  test('a push that skips ids is answered skipped from the gap on', async () => {
    const token = server.tokens.get('staff3')!;
    const clientId = uuidv7();
    const r = await post('/v1/sync/push', token, {
      clientId,
      mutations: [
        { id: 2, commandId: uuidv7(), command: ship('o003'), clientTime: 0 },
        { id: 3, commandId: uuidv7(), command: ship('o004'), clientTime: 0 },
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.lastMutationId, 0);
    assert.deepEqual(
      r.json.results.map((x: { status: string }) => x.status),
      ['skipped', 'skipped'],
    );
    const st = await server.db.query(
      "SELECT status FROM orders WHERE order_id IN ('o003','o004') AND status = 'shipped'",
    );
    assert.equal(st.rowCount, 0);
  });

  test("another user's token may not use a client id", async () => {
    const clientId = uuidv7();
    const m = { id: 1, commandId: uuidv7(), command: ship('o006'), clientTime: 0 };
    const a = await post('/v1/sync/pull', server.tokens.get('staff1')!, { clientId, cookie: null });
    assert.equal(a.status, 200);
    const b = await post('/v1/sync/push', server.tokens.get('staff2')!, {
      clientId,
      mutations: [m],
    });
    assert.equal(b.status, 403);
    assert.equal(b.json.error.code, 'forbidden');
  });

  test('a desk older than the protocol the server serves is told to upgrade, and nothing applies', async () => {
    const clientId = uuidv7();
    const send = (version: string) =>
      fetch(server.url + '/v1/sync/push', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.tokens.get('staff1')}`,
          'content-type': 'application/json',
          [SYNC_PROTOCOL_HEADER]: version,
        },
        body: JSON.stringify({
          clientId,
          mutations: [{ id: 1, commandId: uuidv7(), command: ship('o015'), clientTime: 0 }],
        }),
      });
    const old = await send(String(MIN_SYNC_PROTOCOL - 1));
    assert.equal(old.status, 426);
    assert.equal(((await old.json()) as ApiJson).error.code, 'upgrade_required');
    const garbled = await send('v2');
    assert.equal(garbled.status, 400);
    assert.equal(((await garbled.json()) as ApiJson).error.code, 'invalid_input');
    const seen = await server.db.query('SELECT 1 FROM sync_clients WHERE client_id = $1', [
      clientId,
    ]);
    assert.equal(seen.rowCount, 0, 'the refused desk left no trace');
    const current = await send(String(SYNC_PROTOCOL));
    assert.equal(current.status, 200);
  });

  test('buyers do not sync and unsigned calls are refused', async () => {
    const clientId = uuidv7();
    const buyer = await post('/v1/sync/pull', server.tokens.get('b1')!, { clientId, cookie: null });
    assert.equal(buyer.status, 403);
    const res = await fetch(server.url + '/v1/sync/pull', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, cookie: null }),
    });
    assert.equal(res.status, 401);
  });

  test("a pull page's bytes are ASCII, its Chinese carried as \\u escapes", async () => {
    const res = await send('/v1/sync/pull', server.tokens.get('staff1')!, {
      clientId: uuidv7(),
      cookie: null,
      limit: 3,
    });
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.ok(bytes.length > 0 && bytes.every((b) => b < 0x80));
    const page = JSON.parse(new TextDecoder().decode(bytes)) as {
      changes: { kind: string; order?: { recipient: { province: string } } }[];
    };
    const order = page.changes.find((c) => c.kind === 'order')!.order!;
    assert.equal(order.recipient.province, TEST_RECIPIENT.province);
  });

  test('a malformed command is refused for good and the mutations after it still apply', async () => {
    const token = server.tokens.get('staff3')!;
    const clientId = uuidv7();
    const r = await post('/v1/sync/push', token, {
      clientId,
      mutations: [
        { id: 1, commandId: uuidv7(), command: { type: 'ship', orderId: 'o007' }, clientTime: 0 },
        { id: 2, commandId: uuidv7(), command: ship('o007'), clientTime: 0 },
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.results[0]!.status, 'rejected');
    assert.equal(r.json.results[0]!.error?.code, 'invalid_input');
    assert.equal(r.json.results[1]!.status, 'applied');
    assert.equal(r.json.lastMutationId, 2);
    const pull = await post('/v1/sync/pull', token, {
      clientId,
      cookie: `l2.${shardOf('m1')}:0`,
      limit: 5000,
    });
    const rejections = pull.json.changes.filter((c: { kind: string }) => c.kind === 'rejection');
    assert.equal(rejections.length, 1);
    assert.equal(rejections[0]!.mutationId, 1);
  });

  test('an offline ship of an order whose refund was approved meanwhile becomes a sync issue', async () => {
    const a = openDesk(
      join(dir, 'c.sqlite'),
      server.url,
      server.tokens.get('staff1')!,
      server.actors.get('staff1')!,
    );
    const b = openDesk(
      join(dir, 'd.sqlite'),
      server.url,
      server.tokens.get('staff2')!,
      server.actors.get('staff2')!,
    );
    await a.client.syncOnce();
    a.client.enqueue(ship('o010'));
    // Meanwhile the buyer asks for a refund and another desk agrees to it.
    const req = await server.act(
      { role: 'buyer', userId: 'b1' },
      {
        type: 'request_refund',
        orderId: 'o010',
        refundId: 'r010',
        kind: 'refund_only',
        amountFen: 10_000,
        reason: 'changed my mind',
      },
    );
    assert.equal(req.ok, true);
    await b.client.syncOnce();
    b.client.enqueue({ type: 'agree_refund', orderId: 'o010', refundId: 'r010' });
    await b.client.syncOnce();
    assert.equal(b.client.confirmedOrder('o010')?.status, 'refunded');

    await a.client.syncOnce();
    assert.equal(a.client.pendingCount(), 0);
    const issues = a.client.issues();
    assert.equal(issues.length, 1);
    const issue = issues[0]!;
    assert.equal(issue.command.type, 'ship');
    assert.equal(issue.baseState?.status, 'funds_held');
    assert.equal(issue.currentState?.status, 'refunded');
    assert.match(issue.whatChanged, /funds_held → refunded/);
    assert.ok(issue.nextActions.includes('acknowledge'));
    assert.equal(a.client.getOrder('o010')?.order.status, 'refunded');
    assert.equal(a.client.getOrder('o010')?.provisional, false);
    assert.equal(a.client.acknowledgeIssue(issue.mutationId), true);
    assert.equal(a.client.issues().length, 0);
    assert.equal(a.client.issues({ includeAcknowledged: true }).length, 1);
    const v = await verifyLedger(server.db);
    assert.deepEqual(v.problems, []);
    assert.deepEqual((await a.client.verifyReplica()).problems, []);
    a.close();
    b.close();
  });

  test('a replica that holds a journal row the server does not show reports divergence', async () => {
    const desk = openDesk(
      join(dir, 'e.sqlite'),
      server.url,
      server.tokens.get('staff1')!,
      server.actors.get('staff1')!,
    );
    await desk.client.syncOnce();
    const clean = await desk.client.verifyReplica();
    assert.deepEqual(clean.problems, []);
    const last = desk.db
      .prepare('SELECT shard, max(seq) AS m, hash FROM sync_txns GROUP BY shard')
      .get() as { shard: number; m: number; hash: string };
    desk.db
      .prepare(
        `INSERT INTO sync_txns
           (shard, seq, txn_id, command_id, kind, at, currency, order_id, legs_json, prev_hash,
            hash)
         VALUES (?, ?, 'forged', 'forged', 'escrow_release', 0, 'CNY', 'o001', ?, ?, ?)`,
      )
      .run(
        last.shard,
        last.m + 1000,
        JSON.stringify([
          { account: 'escrow:order:o001', amountFen: 100 },
          { account: 'merchant:m1:available', amountFen: -100 },
        ]),
        last.hash,
        'f'.repeat(64),
      );
    const forged = await desk.client.verifyReplica();
    assert.equal(forged.ok, false);
    const codes = forged.problems.map((p) => p.code);
    // Its hash is not what its legs hash to, and the server's fold does not have it.
    assert.ok(codes.includes('hash_chain_broken'), codes.join());
    assert.ok(codes.includes('replica_diverged'), codes.join());
    desk.close();
  });
});
