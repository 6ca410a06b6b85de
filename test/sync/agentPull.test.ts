import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import { buyerActor, paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { SHARD_COUNT, shardOf } from '../../shared/ledger/shards.ts';
import { encodeShardVector } from '../../shared/sync/shardVector.ts';
import { decodeCookie } from '../../server/sync/syncCookie.ts';

/**
 * An agent's pull around the moment an order enters the agents' scope (docs/sync.md,
 * "Replica verification"), over real HTTP and PostgreSQL, with the page boundary placed on
 * purpose between a claim's first changes and its `claim_filed` entry (found by simulator
 * seed 28, where a page boundary fell there by chance and the order never reached the agent).
 */
interface PullJson {
  cookie: string;
  more: boolean;
  changes: {
    kind: string;
    order?: { orderId: string; version: number };
    entry?: { orderId: string; type: string };
    txn?: { orderId: string | null; shard: number; seq: number };
  }[];
}

let server: SyncTestServer;
before(async () => {
  server = await startSyncServer('sync_agent_pull');
});
after(() => server.close());

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${server.tokens.get('agent1')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}

const clientId = uuidv7();
const pull = (cookie: string | null, limit: number) =>
  call<PullJson>('POST', '/v1/sync/pull', { clientId, cookie, limit });

test('an order entering the agent scope arrives whole, however the pages fall, and never early', async () => {
  await paidOrder(server, 'o1', 12_000);
  let cookie: string | null = null;
  for (;;) {
    const page: PullJson = await pull(cookie, 100);
    cookie = page.cookie;
    if (!page.more) break;
  }
  // Protocol 2: an agent's cookie holds a cursor for every shard; o1 is in m1's.
  const shard = shardOf('m1');
  const cursorOf = (text: string): number => {
    const c = decodeCookie(text);
    assert.ok(c && c.kind === 'log', text);
    assert.equal(c.cursors.size, SHARD_COUNT);
    return c.cursors.get(shard)!;
  };
  const before = cursorOf(cookie!);

  const filed = await server.act(buyerActor('b1'), {
    type: 'file_claim',
    orderId: 'o1',
    claimId: 'c1',
    amountFen: 12_000,
    reason: 'goods never arrived',
    evidence: [],
  });
  assert.ok(filed.ok);
  const log = await server.db.query<{ seq: number; kind: string; type: string | null }>(
    `SELECT seq, kind, payload->>'type' AS type FROM changes
      WHERE shard = $2 AND seq > $1 ORDER BY seq`,
    [before, shard],
  );
  const entry = log.rows.findIndex((r) => r.kind === 'order_event' && r.type === 'claim_filed');
  assert.ok(entry > 0, `the claim logs changes before its entry: ${JSON.stringify(log.rows)}`);

  // Page 1 ends just before the entry: the order had not entered the scope by its end.
  const first = await pull(cookie, entry);
  assert.equal(cursorOf(first.cookie), Number(log.rows[entry - 1]!.seq));
  assert.deepEqual(first.changes, [], 'nothing of an order that has not entered yet');
  const txnTop = await server.db.query<{ shard: number; m: number }>(
    'SELECT shard, max(seq) AS m FROM ledger_transactions GROUP BY shard',
  );
  const upToVector = new Map(txnTop.rows.map((r) => [Number(r.shard), Number(r.m)]));
  const upTo = encodeURIComponent(encodeShardVector(upToVector));
  const asOfFirst = await call<{ count: number }>(
    'GET',
    `/v1/sync/chain?upTo=${upTo}&cookie=${first.cookie}`,
  );
  assert.equal(asOfFirst.count, 0, 'as of that cookie, the scope holds no journal row');

  // Page 2 carries the entry, and with it everything of the order logged before.
  const second = await pull(first.cookie, 100);
  const orders = second.changes.filter((c) => c.kind === 'order').map((c) => c.order!);
  const latest = await server.db.query<{ version: number }>(
    `SELECT (state->>'version')::int AS version FROM orders WHERE order_id = 'o1'`,
  );
  assert.ok(
    orders.some((o) => o.orderId === 'o1' && o.version === latest.rows[0]!.version),
    'the order in its current state',
  );
  const events = second.changes.filter((c) => c.kind === 'order_event').map((c) => c.entry!);
  for (const type of ['order_created', 'payment_confirmed', 'claim_filed'])
    assert.ok(
      events.some((e) => e.orderId === 'o1' && e.type === type),
      `timeline has ${type}`,
    );
  const txns = second.changes.filter((c) => c.kind === 'ledger_txn').map((c) => c.txn!);
  assert.ok(
    txns.some((t) => t.orderId === 'o1' && t.shard === shard && t.seq <= upToVector.get(shard)!),
    'the payment journal row',
  );
  const asOfSecond = await call<{ count: number }>(
    'GET',
    `/v1/sync/chain?upTo=${upTo}&cookie=${second.cookie}`,
  );
  assert.equal(asOfSecond.count, new Set(txns.map((t) => `${t.shard}:${t.seq}`)).size);
});
