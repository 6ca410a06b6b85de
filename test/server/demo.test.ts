import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OrderState } from '../../shared/escrow/types.ts';
import { login } from '../../server/auth/sessions.ts';
import { DEMO_ACCOUNTS } from '../../server/demo/demoAccounts.ts';
import { loadDemo } from '../../server/demo/loadDemo.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { listWaybillSegments } from '../../server/shipping/waybillSegments.ts';
import { openTestDatabase } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

describe('demo data', () => {
  let tdb: TestDatabase;
  const end = Date.UTC(2026, 5, 1);
  before(async () => {
    tdb = await openTestDatabase('demo');
  });
  after(() => tdb.drop());

  it('loads once, through the real rules, with orders in every state and a clean ledger', async () => {
    assert.equal(await loadDemo(tdb.db, end), true);
    assert.equal(await loadDemo(tdb.db, end), false, 'a second load changes nothing');
    const orders = (await tdb.db.query<{ state: OrderState }>('SELECT state FROM orders')).rows.map(
      (r) => r.state,
    );
    const statuses = new Set(orders.map((o) => o.status));
    for (const s of [
      'awaiting_payment',
      'funds_held',
      'shipped',
      'completed',
      'closed_unpaid',
      'refunded',
      'partially_refunded',
    ])
      assert.ok(statuses.has(s as OrderState['status']), `an order ${s}`);
    const refundStatuses = new Set(orders.flatMap((o) => o.refunds.map((r) => r.status)));
    for (const s of ['requested', 'awaiting_return', 'escalated', 'refunded'])
      assert.ok(refundStatuses.has(s as never), `a refund ${s}`);
    const claimStatuses = new Set(orders.flatMap((o) => o.claims.map((c) => c.status)));
    for (const s of [
      'submitted',
      'awaiting_seller_evidence',
      'awaiting_second_approval',
      'approved',
      'rejected',
    ])
      assert.ok(claimStatuses.has(s as never), `a claim ${s}`);
    const report = await verifyLedger(tdb.db);
    assert.deepEqual(report.problems, []);
    const due = await tdb.db.query('SELECT 1 FROM orders WHERE next_timer_at <= $1', [end]);
    assert.equal(due.rowCount, 0, 'no timer is left overdue at the end of the story');
  });

  it('every parcel has a recipient, every shop its addresses, and e-waybill numbers wait', async () => {
    const orders = (await tdb.db.query<{ state: OrderState }>('SELECT state FROM orders')).rows;
    for (const { state } of orders)
      assert.equal(state.recipient !== undefined, state.goodsKind !== 'virtual', state.orderId);
    const addresses = await tdb.db.query('SELECT 1 FROM merchant_addresses');
    assert.equal(addresses.rowCount, 2 * 4, 'a sender and a return address per demo shop');
    const segments = await listWaybillSegments(tdb.db);
    assert.ok(segments.some((s) => s.carrier === 'sf' && s.remaining > 1000));
    // Each shop keeps its days on its own clock.
    const zones = await tdb.db.query<{ merchant_id: string; time_zone: string }>(
      'SELECT merchant_id, time_zone FROM merchants ORDER BY merchant_id',
    );
    assert.deepEqual(Object.fromEntries(zones.rows.map((r) => [r.merchant_id, r.time_zone])), {
      'm-hz-tea': 'Asia/Shanghai',
      'm-ldn-books': 'Europe/London',
      'm-sz-elec': 'Asia/Shanghai',
      'm-tp-craft': 'Asia/Taipei',
    });
  });

  it('every demo account can log in with the listed password and role', async () => {
    const roles = new Set<string>();
    for (const a of DEMO_ACCOUNTS) {
      const s = await login(tdb.db, a.username, a.password, end, 1000);
      assert.ok(s, a.username);
      assert.equal(s.actor.role, a.role);
      roles.add(a.role);
    }
    assert.deepEqual(
      [...roles].sort(),
      ['buyer', 'agent', 'senior_agent', 'seller_admin', 'seller_staff', 'finance'].sort(),
    );
  });
});
