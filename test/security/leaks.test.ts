// Issue 12, "Small leaks": sellers receive no internal approval data (HTTP reads and sync pull),
// every API answer carries security headers, and /metrics is not open.
import assert from 'node:assert/strict';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol.ts';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { completedOrder } from '../server/escrowSteps.ts';
import { startTestServer } from '../server/testServer.ts';
import type { HttpResult, PersonName, TestServer } from '../server/testServer.ts';

const SECRET_NOTE = 'internal: buyer is a known reseller';
const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123456789';

describe('small leaks', () => {
  let t: TestServer;
  let orderId = '';
  let claimId = '';
  before(async () => {
    t = await startTestServer('leaks', { metricsToken: METRICS_TOKEN });
    orderId = await completedOrder(t, { amountFen: 900_000 });
    const filed = await t.post(
      `/v1/orders/${orderId}/claims`,
      { amountFen: 900_000, reason: 'fake', evidence: [] },
      'buyer1',
    );
    claimId = filed.body.order.claims[0].claimId as string;
    const decided = await t.post(
      `/v1/orders/${orderId}/claims/${claimId}/decision`,
      { decision: 'approve', reasonCode: 'fraud_verified', note: SECRET_NOTE },
      'agent1',
    );
    assert.equal(decided.body.order.claims[0].status, 'awaiting_second_approval');
  });
  after(() => t.close());

  function assertNoInternals(what: string, value: unknown): void {
    const text = JSON.stringify(value);
    assert.ok(!text.includes(SECRET_NOTE), `${what} leaks the agent's note`);
    const at = text.indexOf('u-agent1');
    assert.ok(
      at < 0,
      `${what} leaks the agent's id: …${text.slice(Math.max(0, at - 300), at + 50)}`,
    );
  }

  async function pullAll(who: PersonName, clientId: string, cookie: string | null) {
    const changes: unknown[] = [];
    let r: HttpResult;
    for (;;) {
      r = await t.post('/v1/sync/pull', { clientId, cookie }, who, {
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      changes.push(...(r.body.changes as unknown[]));
      cookie = r.body.cookie as string;
      if (!r.body.more) break;
    }
    return { changes, cookie };
  }

  it('sellers and the buyer read no pending-approval note or agent id over HTTP', async () => {
    for (const who of ['staff1', 'admin1', 'buyer1'] as const) {
      const one = await t.get(`/v1/orders/${orderId}`, who);
      assert.equal(one.status, 200);
      assert.equal(one.body.order.claims[0].pendingApproval.amountFen, 900_000);
      assertNoInternals(`GET /v1/orders/:id as ${who}`, one.body);
      assertNoInternals(`GET /v1/orders as ${who}`, (await t.get('/v1/orders', who)).body);
      assertNoInternals(`GET /v1/claims as ${who}`, (await t.get('/v1/claims', who)).body);
    }
    // Agents still see it.
    const agent = await t.get(`/v1/orders/${orderId}`, 'agent2');
    assert.equal(agent.body.order.claims[0].pendingApproval.note, SECRET_NOTE);
  });

  it('sellers pull no pending-approval note or agent id, in the snapshot or the log', async () => {
    const clientId = randomUUID();
    const first = await pullAll('staff1', clientId, null);
    assert.ok(first.changes.length > 0);
    assertNoInternals('bootstrap pull', first.changes);
    const refused = await t.post(
      `/v1/orders/${orderId}/claims/${claimId}/second-approval`,
      { approve: false, note: SECRET_NOTE },
      'senior1',
    );
    assert.equal(refused.status, 200, JSON.stringify(refused.body));
    const again = await t.post(
      `/v1/orders/${orderId}/claims/${claimId}/decision`,
      { decision: 'approve', reasonCode: 'fraud_verified', note: SECRET_NOTE },
      'agent1',
    );
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const log = await pullAll('staff1', clientId, first.cookie);
    assert.ok(log.changes.length > 0);
    assertNoInternals('log pull', log.changes);
  });

  it('every API answer carries the security headers; authenticated JSON is not cached', async () => {
    for (const [path, who] of [
      ['/healthz', null],
      ['/v1/me', 'buyer1'],
      ['/v1/no-such-route', null],
      [`/v1/orders/${orderId}`, 'buyer1'],
    ] as const) {
      const r = await fetch(t.url + path, {
        headers: who ? { authorization: `Bearer ${await t.token(who)}` } : {},
      });
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
      assert.match(r.headers.get('cache-control') ?? '', /no-store/, path);
    }
  });

  it('/metrics needs the metrics token or an agent session', async () => {
    const get = (auth?: string) =>
      fetch(`${t.url}/metrics`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    assert.equal((await get()).status, 401);
    assert.equal((await get(await t.token('buyer1'))).status, 403);
    assert.equal((await get('not-the-metrics-token-but-long-enough')).status, 401);
    assert.equal((await get(await t.token('agent1'))).status, 200);
    const scraped = await get(METRICS_TOKEN);
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /escrow_http_request_duration_seconds/);
  });
});
