// Issue 12: a fuzz of every POST route with a fixed seed — no answer is a 5xx, and the ledger
// is exactly what it was. Bodies come from fast-check: random JSON, bodies made of the API's
// field names with hostile values (U+0000, lone surrogates, huge and odd numbers, deep
// nesting, long text), each route's well-formed body with one field made hostile, and raw
// text that is not JSON at all. In-process through app.inject.
// FUZZ_BODIES sets the bodies per route, FUZZ_SEED the seed. `npm test` runs a fixed-seed slice
// of 500 bodies per route (the first 500 of the full run's: fc.sample with the same seed draws
// the same sequence); `npm run fuzz` runs the full 2,000 per route that issue 12 asks for.
import assert from 'node:assert/strict';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol.ts';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { paidOrder } from '../server/escrowSteps.ts';
import { startTestServer } from '../server/testServer.ts';
import type { TestServer } from '../server/testServer.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

const BODIES = Number(process.env.FUZZ_BODIES ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? 12);
const FUZZ_IN_FLIGHT = 8;

/** Runs `work` on every item, at most `limit` at a time. */
async function inParallel<T>(limit: number, items: T[], work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const FIELDS = [
  'orderId',
  'merchantId',
  'currency',
  'amountFen',
  'goodsKind',
  'item',
  'title',
  'quantity',
  'carrier',
  'trackingNo',
  'refundId',
  'kind',
  'reason',
  'outcome',
  'note',
  'claimId',
  'evidence',
  'decision',
  'reasonCode',
  'approve',
  'username',
  'password',
  'notificationId',
  'bank',
  'bankRef',
  'body',
  'clientId',
  'cookie',
  'mutations',
  'limit',
  'id',
  'commandId',
  'command',
  'clientTime',
  'type',
  '__proto__',
  'constructor',
];

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\ud83d\ude00',
    '',
    ' ',
    'CNY',
    'm1',
    'icbc',
    'express',
    'approve',
    'refund_only',
    'return_and_refund',
    'refund',
    'close',
    'ship',
    'refuse_refund',
    'file_claim',
    '0'.repeat(64),
    'a'.repeat(5_000),
    '../../etc/passwd',
    "'; DROP TABLE orders; --",
    '%00',
    '\\u0000',
    '𠮷'.repeat(100),
  ),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -1,
    1,
    1.5,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    -1e308,
    9_007_199_254_740_991,
  ),
);
const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 5 }),
  ),
})).v;
const apiShaped = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 });
const deep = fc
  .integer({ min: 30, max: 3_000 })
  .map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`);
/** A well-formed body per route, so one hostile field gets past the shape checks. */
const TEMPLATES: Record<string, unknown> = {
  '/v1/auth/login': { username: 'staff1', password: 'correct-horse-1' },
  '/v1/auth/logout': {},
  '/v1/orders': {
    merchantId: 'm1',
    currency: 'CNY',
    amountFen: 1_000,
    goodsKind: 'express',
    recipient: TEST_RECIPIENT,
    item: { title: 'tea', quantity: 1 },
  },
  '/v1/orders/{orderId}/ship': { carrier: 'SF', trackingNo: 'SF1234567890' },
  '/v1/orders/{orderId}/refunds': { kind: 'refund_only', amountFen: 100, reason: 'late' },
  '/v1/orders/{orderId}/refunds/{refundId}/refuse': { reason: 'no' },
  '/v1/merchant/settings': { timeZone: 'America/Los_Angeles' },
  '/v1/orders/{orderId}/refunds/{refundId}/return-shipment': { carrier: 'SF', trackingNo: 'SF1' },
  '/v1/orders/{orderId}/refunds/{refundId}/resolve': { outcome: 'refund', amountFen: 1, note: 'n' },
  '/v1/orders/{orderId}/claims': { amountFen: 100, reason: 'fake', evidence: [] },
  '/v1/orders/{orderId}/claims/{claimId}/decision': {
    decision: 'approve',
    amountFen: 1,
    reasonCode: 'fraud_verified',
    note: 'n',
  },
  '/v1/orders/{orderId}/claims/{claimId}/second-approval': { approve: true, note: 'n' },
  '/v1/orders/{orderId}/claims/{claimId}/info': { note: 'n', evidence: [] },
  '/v1/orders/{orderId}/claims/{claimId}/seller-evidence': { note: 'n', evidence: [] },
  '/v1/disputes/cases/{claimId}/notes': { body: 'note' },
  '/v1/bank/notifications': {
    notificationId: 'n1',
    bank: 'icbc',
    orderId: 'o1',
    bankRef: 'r1',
    currency: 'CNY',
    amountFen: 1,
  },
  '/v1/sync/pull': { clientId: '0190f5a0-0000-7000-8000-000000000001', cookie: null },
  '/v1/sync/push': {
    clientId: '0190f5a0-0000-7000-8000-000000000002',
    mutations: [
      {
        id: 1,
        commandId: '0190f5a0-0000-7000-8000-000000000003',
        clientTime: 1,
        command: { type: 'refuse_refund', orderId: 'o1', refundId: 'r1', reason: 'no' },
      },
    ],
  },
};

/** Replaces the `n`th leaf (in a depth-first walk) of a JSON value. */
function replaceLeaf(v: unknown, n: { left: number }, by: unknown): unknown {
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v)) return v.map((x) => replaceLeaf(x, n, by));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceLeaf(x, n, by)]));
  }
  return n.left-- === 0 ? by : v;
}

const bodyFor = (path: string) => {
  const template = TEMPLATES[path] ?? {};
  const mutated = fc
    .tuple(fc.nat({ max: 12 }), value)
    .map(([i, v]) => JSON.stringify(replaceLeaf(template, { left: i }, v)));
  const withHostileText = fc
    .tuple(fc.nat({ max: 12 }), fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff'))
    .map(([i, v]) => JSON.stringify(replaceLeaf(template, { left: i }, v)));
  return fc.oneof(
    mutated,
    withHostileText,
    apiShaped.map((v) => JSON.stringify(v)),
    fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
    deep,
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', '[]', 'null', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}'),
  );
};
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '',
    ),
  },
);
const pathId = fc.oneof(
  fc.constantFrom('nope', 'o-404', 'a.b-c_d', '0'.repeat(80), '%00', '..', 'x'.repeat(200)),
  fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
);
const who = fc.constantFrom('buyer1', 'staff1', 'agent1', 'senior1', null);

describe(`fuzz: every POST route, ${BODIES} bodies each (seed ${SEED})`, () => {
  let t: TestServer;
  let ledgerBefore: { n: number; head: string };
  const tokens = new Map<string, string>();
  before(async () => {
    // The production per-address login limit, so the login route's fuzz does not spend
    // minutes hashing (its answers turn into 429 after 60 a minute).
    t = await startTestServer('fuzz', { loginLimits: { perIpPerMinute: 60 } });
    await paidOrder(t, { amountFen: 5_000 });
    for (const p of ['buyer1', 'staff1', 'agent1', 'senior1'] as const)
      tokens.set(p, await t.token(p));
    ledgerBefore = await ledgerState();
  });
  after(() => t.close());

  async function ledgerState(): Promise<{ n: number; head: string }> {
    const r = await t.db.query<{ n: string | number; head: string | null }>(
      `SELECT count(*) AS n,
              (SELECT string_agg(ledger_hash, ',' ORDER BY shard) FROM shard_heads) AS head
         FROM ledger_transactions`,
    );
    return { n: Number(r.rows[0]?.n), head: r.rows[0]?.head ?? '' };
  }

  it('answers every body with a non-5xx status and leaves the ledger as it was', async () => {
    const routes = Object.entries(t.server.app.swagger().paths ?? {})
      .filter(([, ops]) => ops && 'post' in ops)
      .map(([path]) => path)
      .sort();
    assert.ok(routes.length >= 25, `only ${routes.length} POST routes found`);
    for (const must of ['/v1/sync/push', '/v1/sync/pull', '/v1/auth/login', '/v1/evidence'])
      assert.ok(routes.includes(must), `${must} is not fuzzed`);
    const started = performance.now();
    const failures: string[] = [];
    let requests = 0;
    for (const [r, path] of routes.entries()) {
      const cases = fc.sample(fc.tuple(bodyFor(path), contentType, pathId, who), {
        seed: SEED + r,
        numRuns: BODIES,
      });
      // A few requests in flight at once, as clients send them: a sequential fuzz spends most
      // of its time waiting for one command's transaction at a time (about 4× longer).
      await inParallel(FUZZ_IN_FLIGHT, cases, async ([raw, type, id, person]) => {
        const url = path.replace(/\{(\w+)\}/g, () => id);
        const headers: Record<string, string> = { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL) };
        if (type) headers['content-type'] = type;
        // Logging out with a real token would end the session the next bodies use.
        if (person && path !== '/v1/auth/logout')
          headers.authorization = `Bearer ${tokens.get(person)}`;
        const res = await t.server.app.inject({ method: 'POST', url, headers, payload: raw });
        requests++;
        if (res.statusCode >= 500)
          failures.push(
            `${res.statusCode} POST ${url} ${type} ${raw.slice(0, 120)} → ${res.body.slice(0, 200)}`,
          );
      });
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz: ${routes.length} POST routes, ${requests} bodies in ${seconds.toFixed(1)} s (${Math.round(requests / seconds)}/s)`,
    );
    assert.deepEqual(failures.slice(0, 10), []);
    assert.deepEqual(await ledgerState(), ledgerBefore);
    const verify = await t.get('/v1/ledger/verify', 'agent1');
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body.problems));
  });
});
