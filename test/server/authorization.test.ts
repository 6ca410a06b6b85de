import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMAND_ROUTE_URLS } from '../../server/http/routes/commandRoutes.ts';
import { paidOrder } from './escrowSteps.ts';
import { startTestServer } from './testServer.ts';
import type { PersonName, TestServer } from './testServer.ts';

// Every role, with "own" and "other" variants: order under test belongs to merchant m1 and b1.
const ROLES: (PersonName | null)[] = [
  'staff1',
  'admin1',
  'staff2',
  'admin2',
  'agent1',
  'senior1',
  'buyer1',
  'buyer2',
  'finance1',
  null,
];
const OWN_SELLER: PersonName[] = ['staff1', 'admin1'];
const AGENTS: PersonName[] = ['agent1', 'senior1'];
const OWN_BUYER: PersonName[] = ['buyer1'];

interface Case {
  url: string;
  body: unknown;
  allowed: PersonName[];
}

const CASES: Case[] = [
  {
    url: '/v1/orders',
    body: {
      merchantId: 'm1',
      currency: 'CNY',
      amountFen: 500,
      goodsKind: 'virtual',
      item: { title: 'x', quantity: 1 },
    },
    allowed: ['buyer1', 'buyer2'],
  },
  { url: '/ship', body: { carrier: 'SF', trackingNo: 'SF12345678' }, allowed: OWN_SELLER },
  { url: '/confirm-receipt', body: {}, allowed: OWN_BUYER },
  { url: '/extend-receipt', body: {}, allowed: OWN_BUYER },
  {
    url: '/refunds',
    body: { kind: 'refund_only', amountFen: 10_000, reason: 'r' },
    allowed: OWN_BUYER,
  },
  { url: '/refunds/R/agree', body: {}, allowed: OWN_SELLER },
  { url: '/refunds/R/refuse', body: { reason: 'no' }, allowed: OWN_SELLER },
  {
    url: '/refunds/R/return-shipment',
    body: { carrier: 'YTO', trackingNo: 'YT12345678' },
    allowed: OWN_BUYER,
  },
  { url: '/refunds/R/confirm-return', body: {}, allowed: OWN_SELLER },
  { url: '/refunds/R/cancel', body: {}, allowed: OWN_BUYER },
  { url: '/refunds/R/escalate', body: {}, allowed: OWN_BUYER },
  { url: '/refunds/R/resolve', body: { outcome: 'close', note: '' }, allowed: AGENTS },
  {
    url: '/claims',
    body: { amountFen: 10_000, reason: 'fraud', evidence: [] },
    allowed: OWN_BUYER,
  },
  { url: '/claims/C/request-seller-evidence', body: {}, allowed: AGENTS },
  { url: '/claims/C/seller-evidence', body: { note: 'n', evidence: [] }, allowed: OWN_SELLER },
  { url: '/claims/C/info', body: { note: 'n', evidence: [] }, allowed: OWN_BUYER },
  {
    url: '/claims/C/decision',
    body: { decision: 'reject', reasonCode: 'x', note: '' },
    allowed: AGENTS,
  },
  { url: '/claims/C/second-approval', body: { approve: true, note: '' }, allowed: ['senior1'] },
];

function concreteUrl(c: Case, orderId: string): string {
  if (c.url === '/v1/orders') return c.url;
  return `/v1/orders/${orderId}${c.url.replace('/R/', '/refund-1/').replace('/C/', '/claim-1/')}`;
}

describe('authorization: every route × every role', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('authz');
  });
  after(() => t.close());

  it('covers every command route the server has', () => {
    const covered = CASES.map((c) =>
      c.url === '/v1/orders'
        ? c.url
        : `/v1/orders/:orderId${c.url.replace('/R/', '/:refundId/').replace('/C/', '/:claimId/')}`,
    );
    assert.deepEqual([...covered].sort(), [...COMMAND_ROUTE_URLS].sort());
  });

  /** People of another merchant, or another buyer: the order is not theirs to know of. */
  // Callers who may not read the order: its commands answer as on a missing order.
  const OUTSIDERS: ReadonlySet<string> = new Set(['staff2', 'admin2', 'buyer2', 'finance1']);

  for (const c of CASES) {
    it(`POST ${c.url}: only ${c.allowed.join(', ')} get past authorization`, async () => {
      const orderId = await paidOrder(t, { amountFen: 10_000 });
      const url = concreteUrl(c, orderId);
      for (const who of ROLES) {
        const journalBefore = await journalSize(t);
        const orderBefore = await orderVersion(t, orderId);
        const r = await t.post(url, c.body, who);
        if (who === null) {
          assert.equal(r.status, 401, `anonymous on ${url}`);
          assert.equal(r.body.error.code, 'unauthorized');
        } else if (c.allowed.includes(who)) {
          assert.ok(
            r.status !== 401 && r.status !== 403,
            `${who} on ${url} should pass authorization, got ${r.status} ${JSON.stringify(r.body)}`,
          );
          continue;
        } else if (OUTSIDERS.has(who) && c.url !== '/v1/orders') {
          // Someone else's order answers exactly like a missing one: no existence oracle.
          assert.equal(r.status, 404, `${who} on ${url}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.error.code, 'order_not_found');
        } else {
          assert.equal(r.status, 403, `${who} on ${url}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.error.code, 'forbidden');
        }
        assert.equal(await journalSize(t), journalBefore, 'a refused request moves no money');
        assert.equal(await orderVersion(t, orderId), orderBefore, 'and changes no order');
      }
    });
  }

  it('bad input on someone else’s order answers as bad input on a missing order', async () => {
    const orderId = await paidOrder(t, { amountFen: 4_000 });
    const probes: [PersonName, string, unknown][] = [
      ['staff2', '/ship', { carrier: 'SF', trackingNo: '!!' }],
      ['buyer2', '/refunds', { kind: 'refund_only', amountFen: 10, reason: 'r'.repeat(600) }],
      ['finance1', '/confirm-receipt', {}],
    ];
    for (const [who, path, body] of probes) {
      const foreign = await t.post(`/v1/orders/${orderId}${path}`, body, who);
      const missing = await t.post(`/v1/orders/no-such-order${path}`, body, who);
      assert.deepEqual(
        [foreign.status, foreign.body.error?.code],
        [missing.status, missing.body.error?.code],
        `${who} ${path}: ${JSON.stringify(foreign.body)} vs ${JSON.stringify(missing.body)}`,
      );
      assert.equal(foreign.status, 404);
    }
    // Who may not create orders learns nothing of which ids are taken.
    const create = (id: string) => ({
      orderId: id,
      merchantId: 'm1',
      currency: 'CNY',
      amountFen: 500,
      goodsKind: 'virtual',
      item: { title: 'x', quantity: 1 },
    });
    const taken = await t.post('/v1/orders', create(orderId), 'staff2');
    const free = await t.post('/v1/orders', create('never-used-id'), 'staff2');
    assert.deepEqual([taken.status, taken.body.error?.code], [403, 'forbidden']);
    assert.deepEqual([free.status, free.body.error?.code], [403, 'forbidden']);
  });

  it('order reads: own merchant, own buyer and agents only', async () => {
    const orderId = await paidOrder(t, { amountFen: 3_000 });
    const expect: Record<string, number> = {
      staff1: 200,
      admin1: 200,
      agent1: 200,
      senior1: 200,
      buyer1: 200,
      staff2: 404,
      admin2: 404,
      buyer2: 404,
    };
    for (const [who, status] of Object.entries(expect)) {
      const r = await t.get(`/v1/orders/${orderId}`, who as PersonName);
      assert.equal(r.status, status, `${who} reading ${orderId}`);
    }
    assert.equal((await t.get(`/v1/orders/${orderId}`, null)).status, 401);
    assert.equal((await t.get('/v1/orders/no-such-order', 'agent1')).status, 404);
  });

  it("lists show only the caller's own merchant's or buyer's orders", async () => {
    await paidOrder(t, { amountFen: 3_100, buyer: 'buyer2', merchantId: 'm2' });
    const ids = async (who: PersonName) =>
      (await t.get('/v1/orders?limit=200', who)).body.orders as {
        merchantId: string;
        buyerId: string;
      }[];
    assert.ok((await ids('staff2')).every((o) => o.merchantId === 'm2'));
    assert.ok((await ids('staff2')).length > 0);
    assert.ok((await ids('staff1')).every((o) => o.merchantId === 'm1'));
    assert.ok((await ids('buyer2')).every((o) => o.buyerId === 'b2'));
    const all = await ids('agent1');
    assert.ok(all.some((o) => o.merchantId === 'm1') && all.some((o) => o.merchantId === 'm2'));
    assert.equal((await t.get('/v1/orders', null)).status, 401);
    assert.equal((await t.get('/v1/claims', null)).status, 401);
    assert.equal((await t.get('/v1/claims', 'staff2')).status, 200);
  });

  it('ledger verify is for agents; balances are scoped to the caller', async () => {
    for (const who of ['staff1', 'admin1', 'buyer1'] as PersonName[]) {
      const r = await t.get('/v1/ledger/verify', who);
      assert.equal(r.status, 403, who);
    }
    assert.equal((await t.get('/v1/ledger/verify', null)).status, 401);
    assert.equal((await t.get('/v1/ledger/verify', 'senior1')).status, 200);
    const staff2 = (await t.get('/v1/ledger/balances', 'staff2')).body.balances as {
      account: string;
    }[];
    assert.ok(staff2.every((b) => b.account.startsWith('merchant:m2:')));
    const buyer1 = (await t.get('/v1/ledger/balances', 'buyer1')).body.balances as {
      account: string;
    }[];
    assert.ok(buyer1.every((b) => b.account === 'buyer:b1:refundable'));
  });

  it('a bearer token is not a bank signature', async () => {
    const orderId = await paidOrder(t, { amountFen: 1_000 });
    const r = await t.post(
      '/v1/bank/notifications',
      {
        notificationId: 'x1',
        bank: 'icbc',
        orderId,
        bankRef: 'r',
        currency: 'CNY',
        amountFen: 1_000,
      },
      'agent1',
    );
    assert.equal(r.status, 401);
  });

  it('evidence files are readable by their uploader only', async () => {
    const form = new FormData();
    form.append('file', new Blob(['photo of a fake'], { type: 'text/plain' }), 'proof.txt');
    const up = await fetch(`${t.url}/v1/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('buyer1')}` },
      body: form,
    });
    assert.equal(up.status, 201);
    const { evidence } = (await up.json()) as { evidence: { sha256: string } };
    assert.equal((await t.get(`/v1/evidence/${evidence.sha256}`, 'buyer1')).status, 200);
    // Someone else's file answers exactly as a file nobody uploaded, to agents as well: they
    // read a file through the case or refund that cites it.
    const missing = await t.get(`/v1/evidence/${'0'.repeat(64)}`, 'buyer2');
    for (const who of ['buyer2', 'staff2', 'agent1'] as const) {
      const r = await t.get(`/v1/evidence/${evidence.sha256}`, who);
      assert.deepEqual([r.status, r.body.error?.code], [404, missing.body.error?.code], who);
    }
    assert.equal(missing.status, 404);
    assert.equal((await t.get(`/v1/evidence/${evidence.sha256}`, null)).status, 401);
    const anon = await fetch(`${t.url}/v1/evidence`, { method: 'POST', body: form });
    assert.equal(anon.status, 401);
  });
});

async function journalSize(t: TestServer): Promise<number> {
  const r = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_transactions');
  return r.rows[0]?.n ?? -1;
}

async function orderVersion(t: TestServer, orderId: string): Promise<number> {
  const r = await t.db.query<{ version: number }>(
    'SELECT version FROM orders WHERE order_id = $1',
    [orderId],
  );
  return r.rows[0]?.version ?? -1;
}
