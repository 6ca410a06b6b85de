// Issue 12, "One character stops a desk's sync for good": U+0000, unpaired surrogates and deep
// nesting must be permanent, visible rejections with stable codes — over real HTTP sync push
// the desk's next mutation still applies — and never a 500 or a retryable 503 over HTTP.
import assert from 'node:assert/strict';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol.ts';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import { assertLedgerOk, paidOrder } from '../server/escrowSteps.ts';
import { startTestServer } from '../server/testServer.ts';
import type { HttpResult, TestServer } from '../server/testServer.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

const NUL = '\u0000';

describe('no poison: bad text and deep nesting are permanent rejections', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('poison');
  });
  after(() => t.close());

  async function push(clientId: string, mutations: unknown[]): Promise<HttpResult> {
    const raw = `{"clientId":${JSON.stringify(clientId)},"mutations":[${mutations
      .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
      .join(',')}]}`;
    return t.postRaw('/v1/sync/push', raw, {
      'content-type': 'application/json',
      authorization: `Bearer ${await t.token('staff1')}`,
      [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
    });
  }

  async function orderWithOpenRefund(): Promise<{ orderId: string; refundId: string }> {
    const orderId = await paidOrder(t, { amountFen: 8_000 });
    const r = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'refund_only', amountFen: 8_000, reason: 'changed my mind' },
      'buyer1',
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { orderId, refundId: r.body.order.refunds[0].refundId as string };
  }

  const refuse = (id: number, orderId: string, refundId: string, reason: string) => ({
    id,
    commandId: uuidv7(Date.now()),
    clientTime: Date.now(),
    command: { type: 'refuse_refund', orderId, refundId, reason },
  });

  it('a refusal with U+0000 in its reason is rejected for good; the next mutation applies', async () => {
    const { orderId, refundId } = await orderWithOpenRefund();
    const clientId = randomUUID();
    const first = await push(clientId, [refuse(1, orderId, refundId, `no${NUL}way`)]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.results[0].status, 'rejected');
    assert.equal(first.body.results[0].error.code, 'invalid_text');
    assert.equal(first.body.lastMutationId, 1);
    // A lone surrogate is refused the same way.
    const second = await push(clientId, [refuse(2, orderId, refundId, 'bad \ud800 text')]);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.results[0].error.code, 'invalid_text');
    // The same desk's next mutation applies.
    const third = await push(clientId, [refuse(3, orderId, refundId, 'goods were as described')]);
    assert.equal(third.status, 200, JSON.stringify(third.body));
    assert.equal(third.body.results[0].status, 'applied');
    // And the rejections are visible to the desk in its pull.
    const pulled = await t.post('/v1/sync/pull', { clientId, cookie: null }, 'staff1', {
      [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
    });
    assert.equal(pulled.status, 200, JSON.stringify(pulled.body));
    let body = pulled.body;
    const rejections: { mutationId: number; error: { code: string } }[] = [];
    for (let page = 0; page < 10; page++) {
      for (const c of body.changes) if (c.kind === 'rejection') rejections.push(c);
      if (!body.more) break;
      body = (
        await t.post('/v1/sync/pull', { clientId, cookie: body.cookie }, 'staff1', {
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
        })
      ).body;
    }
    assert.deepEqual(
      rejections.map((r) => [r.mutationId, r.error.code]),
      [
        [1, 'invalid_text'],
        [2, 'invalid_text'],
      ],
    );
  });

  it('a command nested 5,000 levels deep is rejected for good; the next mutation applies', async () => {
    const { orderId, refundId } = await orderWithOpenRefund();
    const clientId = randomUUID();
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const bomb = `{"id":1,"commandId":"${uuidv7(Date.now())}","clientTime":${Date.now()},"command":{"type":"refuse_refund","orderId":"${orderId}","refundId":"${refundId}","reason":${deep}}}`;
    const first = await push(clientId, [bomb, refuse(2, orderId, refundId, 'as described')]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.results[0].status, 'rejected');
    assert.equal(first.body.results[0].error.code, 'nesting_too_deep');
    assert.equal(first.body.results[1].status, 'applied');
    // A million levels: still one rejected mutation, not a crash or a 503.
    const huge = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const second = await push(clientId, [
      `{"id":3,"commandId":"${uuidv7(Date.now())}","clientTime":${Date.now()},"command":{"type":"ship","x":${huge}}}`,
    ]);
    assert.equal(second.status, 200, JSON.stringify(second.body).slice(0, 300));
    assert.equal(second.body.results[0].error.code, 'nesting_too_deep');
    await assertLedgerOk(t);
  });

  it('over HTTP, U+0000 in an order title, a username or a case note, or bytes that are not UTF-8, are a 400 with a stable code', async () => {
    const order = await t.post(
      '/v1/orders',
      {
        merchantId: 'm1',
        currency: 'CNY',
        amountFen: 1_000,
        goodsKind: 'express',
        recipient: TEST_RECIPIENT,
        item: { title: `tea${NUL}`, quantity: 1 },
      },
      'buyer1',
    );
    assert.equal(order.status, 400, JSON.stringify(order.body));
    assert.equal(order.body.error.code, 'invalid_text');
    const login = await t.post('/v1/auth/login', { username: `staff1${NUL}`, password: 'x' });
    assert.equal(login.status, 400, JSON.stringify(login.body));
    assert.equal(login.body.error.code, 'invalid_text');
    const note = await t.post(
      `/v1/disputes/cases/any-claim/notes`,
      { body: `note${NUL}` },
      'agent1',
    );
    assert.equal(note.status, 400, JSON.stringify(note.body));
    assert.equal(note.body.error.code, 'invalid_text');
    const deep = await t.postRaw(
      '/v1/orders',
      `{"merchantId":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      { 'content-type': 'application/json', authorization: `Bearer ${await t.token('buyer1')}` },
    );
    assert.equal(deep.status, 400);
    assert.equal(deep.body.error.code, 'nesting_too_deep');
    // A GBK file posted as it is: refused, not stored as U+FFFD for good.
    const gbk = await t.postRaw(
      '/v1/orders',
      new Blob([
        Buffer.from('{"merchantId":"m1","currency":"CNY","amountFen":1000,"goodsKind":"virtual",'),
        Buffer.from('"item":{"title":"'),
        Buffer.from([0xce, 0xd2, 0xb5, 0xc4]), // 我的 in GBK
        Buffer.from('","quantity":1}}'),
      ]),
      { 'content-type': 'application/json', authorization: `Bearer ${await t.token('buyer1')}` },
    );
    assert.equal(gbk.status, 400, JSON.stringify(gbk.body));
    assert.equal(gbk.body.error.code, 'invalid_text');
    // A query parameter the database refuses is the caller's 400, not a 500.
    const q = await t.get(`/v1/disputes/cases?q=${encodeURIComponent(`a${NUL}b`)}`, 'agent1');
    assert.ok(q.status < 500, `${q.status} ${JSON.stringify(q.body)}`);
  });
});
