import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINUTE_MS } from '../../shared/time.ts';
import { signNotification } from '../../server/bank/notificationSignature.ts';
import {
  assertLedgerOk,
  balance,
  bankNotification,
  createOrder,
  signedPost,
} from './escrowSteps.ts';
import { ICBC_KEY, startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

describe('bank payment notifications', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('bank');
  });
  after(() => t.close());

  const bankBalance = () => balance(t, 'platform:bank:icbc');

  it('a signed notification moves the order to funds_held and credits escrow', async () => {
    const orderId = await createOrder(t, { amountFen: 5_000 });
    const before = await bankBalance();
    const r = await bankNotification(t, { orderId, amountFen: 5_000 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.duplicate, false);
    assert.equal(r.body.status, 'funds_held');
    assert.equal(await bankBalance(), before + 5_000);
    assert.equal(await balance(t, `escrow:order:${orderId}`), 5_000);
  });

  it('the same notification twice credits once', async () => {
    const orderId = await createOrder(t, { amountFen: 6_000 });
    const before = await bankBalance();
    const n = { orderId, amountFen: 6_000, notificationId: 'dup-1', bankRef: 'ICBC-DUP-1' };
    const first = await bankNotification(t, n);
    const second = await bankNotification(t, n);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(second.body.duplicate, true);
    assert.equal(await bankBalance(), before + 6_000);
    await assertLedgerOk(t);
  });

  it('a second notification (new id) for an already paid order is refused and credits nothing', async () => {
    const orderId = await createOrder(t, { amountFen: 6_500 });
    assert.equal((await bankNotification(t, { orderId, amountFen: 6_500 })).status, 200);
    const before = await bankBalance();
    const again = await bankNotification(t, { orderId, amountFen: 6_500 });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(await bankBalance(), before);
  });

  it('forged, tampered, stale and unknown-bank notifications are refused with no ledger change', async () => {
    const orderId = await createOrder(t, { amountFen: 7_000 });
    const before = await bankBalance();
    const body = JSON.stringify({
      notificationId: 'forge-1',
      bank: 'icbc',
      orderId,
      bankRef: 'ICBC-F1',
      currency: 'CNY',
      amountFen: 7_000,
    });
    const forged = await signedPost(t, body, {
      key: { kid: ICBC_KEY.kid, secret: 'not-the-secret-but-long-enough-0123456789' },
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error.code, 'unauthorized');

    // A genuine signature replayed over a different body.
    const sig = signNotification(ICBC_KEY, body, t.clock.now());
    const tampered = await t.postRaw('/v1/bank/notifications', body.replace('7000', '70000'), {
      'content-type': 'application/json',
      'x-bank-signature': sig,
    });
    assert.equal(tampered.status, 401);

    const stale = await signedPost(t, body, { atMs: t.clock.now() - 10 * MINUTE_MS });
    assert.equal(stale.status, 401);
    assert.match(stale.body.error.message, /replay/);

    const missing = await t.postRaw('/v1/bank/notifications', body, {
      'content-type': 'application/json',
    });
    assert.equal(missing.status, 401);

    const otherBank = await signedPost(t, body.replace('"icbc"', '"hsbc"'));
    assert.equal(otherBank.status, 401);

    assert.equal(await bankBalance(), before);
    const order = await t.get(`/v1/orders/${orderId}`, 'buyer1');
    assert.equal(order.body.order.status, 'awaiting_payment');
  });

  it('a genuine notification replayed after the window is refused even though it is signed', async () => {
    const orderId = await createOrder(t, { amountFen: 7_500 });
    const body = JSON.stringify({
      notificationId: 'late-1',
      bank: 'icbc',
      orderId,
      bankRef: 'ICBC-L1',
      currency: 'CNY',
      amountFen: 7_500,
    });
    const at = t.clock.now();
    assert.equal((await signedPost(t, body, { atMs: at })).status, 200);
    t.clock.advance(6 * MINUTE_MS);
    const replay = await signedPost(t, body, { atMs: at });
    assert.equal(replay.status, 401);
  });

  it('the same notification id with a different body is an idempotency conflict', async () => {
    const orderId = await createOrder(t, { amountFen: 8_000 });
    const before = await bankBalance();
    const a = await bankNotification(t, { orderId, amountFen: 8_000, notificationId: 'same-id' });
    assert.equal(a.status, 200);
    const b = await bankNotification(t, {
      orderId,
      amountFen: 8_000,
      notificationId: 'same-id',
      bankRef: 'ICBC-OTHER',
    });
    assert.equal(b.status, 409);
    assert.equal(b.body.error.code, 'idempotency_conflict');
    assert.equal(await bankBalance(), before + 8_000);
  });

  it('a payment of the wrong amount is refused with a stable code and holds nothing', async () => {
    const orderId = await createOrder(t, { amountFen: 9_000 });
    const before = await bankBalance();
    const r = await bankNotification(t, { orderId, amountFen: 8_999 });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'amount_mismatch');
    assert.equal(await bankBalance(), before);
    assert.equal(await balance(t, `escrow:order:${orderId}`), 0);
    await assertLedgerOk(t);
  });
});
