import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMAND_ROUTE_URLS } from '../../server/http/routes/commandRoutes.ts';
import { paidOrder } from './escrowSteps.ts';
import { startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

describe('health, metrics and the OpenAPI document', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('system');
  });
  after(() => t.close());

  it('/healthz reports the database', async () => {
    const r = await t.get('/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, true);
    assert.equal(r.body.database, t.db.kind);
  });

  it('/openapi.json documents every command route with its body schema', async () => {
    const doc = (await t.get('/openapi.json')).body;
    assert.match(doc.openapi, /^3\./);
    for (const url of COMMAND_ROUTE_URLS) {
      const path = url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.post;
      assert.ok(op, `missing ${path}`);
      const schema = op.requestBody.content['application/json'].schema;
      assert.equal(schema.additionalProperties, false, `${path} body is strict`);
    }
    for (const path of [
      '/v1/auth/login',
      '/v1/bank/notifications',
      '/v1/ledger/verify',
      '/metrics',
    ])
      assert.ok(doc.paths[path], path);
  });

  it('/metrics counts requests, applied commands and rejections', async () => {
    await paidOrder(t, { amountFen: 1_000 });
    await t.post('/v1/orders', { nonsense: true }, 'buyer1');
    const text = (await t.get('/metrics', 'agent1')).body as string;
    assert.match(text, /escrow_commands_applied_total\{type="create_order"\} 1/);
    assert.match(text, /escrow_commands_applied_total\{type="confirm_payment"\} 1/);
    assert.match(text, /escrow_rejections_total\{code="invalid_input"\} 1/);
    assert.match(
      text,
      /escrow_http_request_duration_seconds_count\{method="POST",route="\/v1\/orders",status="201"\} 1/,
    );
    assert.match(text, /# TYPE escrow_timer_lag_seconds histogram/);
  });
});
