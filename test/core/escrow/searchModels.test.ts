import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createEscrowService } from '../../../electron/core/escrow/escrowService.ts';
import { createSearchModels } from '../../../electron/core/escrow/searchModels.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import { seedDemoData } from '../../../electron/host/demoSeed.ts';
import type { Actor } from '../../../shared/escrow/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'desk-search-'));
const db = openDatabase(join(dir, 'desk.db'));
const service = createEscrowService(db);
const now = Date.now();
seedDemoData(service, now);
const search = createSearchModels(db);
const seller: Actor = { role: 'seller_staff', userId: 'u-seller-1', merchantId: 'm-1001' };
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an order is found by part of its tracking number, id, buyer or item title', () => {
  const q = (text: string) =>
    search
      .searchOrders({ merchantId: 'm-1001', text, offset: 0, limit: 50 }, seller, now)
      .rows.map((r) => r.orderId);
  assert.deepEqual(q('SF1004'), ['DEMO-1004']);
  assert.deepEqual(q('sf1004'), ['DEMO-1004']);
  assert.deepEqual(q('O-1002'), ['DEMO-1002']);
  assert.deepEqual(q('龙井'), ['DEMO-1002']);
  assert.equal(q('b-2001').length, 6);
  assert.deepEqual(q('nothing-like-this'), []);
});

test('shipping an order makes it findable by its new tracking number in the same moment', () => {
  const shipped = service.apply(
    {
      commandId: 'ship-search-1',
      actor: seller,
      command: { type: 'ship', orderId: 'DEMO-1002', carrier: 'sf', trackingNo: 'SF9988776655443' },
    },
    now,
  );
  assert.ok(shipped.ok);
  const page = search.searchOrders(
    { merchantId: 'm-1001', text: '776655', offset: 0, limit: 10 },
    seller,
    now,
  );
  assert.deepEqual(
    page.rows.map((r) => [r.orderId, r.status, r.trackingNo]),
    [['DEMO-1002', 'shipped', 'SF9988776655443']],
  );
  assert.equal(page.rows[0]!.deadline?.kind, 'auto_confirm');
});

test('the shipping queue holds only orders awaiting shipment, earliest ship-by first', () => {
  const page = search.searchOrders(
    { merchantId: 'm-1001', queue: 'awaiting_shipment', offset: 0, limit: 50 },
    seller,
    now,
  );
  assert.ok(page.rows.length > 0);
  assert.ok(page.rows.every((r) => r.status === 'funds_held'));
  const shipBy = page.rows.map((r) => r.createdAt);
  assert.deepEqual(
    shipBy,
    [...shipBy].sort((a, b) => a - b),
  );
  assert.equal(page.total, page.rows.length);
});

test('the refund queue lists the open request with its auto-approval deadline', () => {
  const page = search.searchOrders(
    { merchantId: 'm-1001', queue: 'open_refunds', offset: 0, limit: 50 },
    seller,
    now,
  );
  assert.deepEqual(
    page.rows.map((r) => [r.orderId, r.refund?.status, r.deadline?.kind]),
    [['DEMO-1006', 'requested', 'refund_answer']],
  );
  assert.ok(page.rows[0]!.allowed.includes('agree_refund'));
});

test('status filter and window paging agree with the total', () => {
  const all = search.searchOrders({ merchantId: 'm-1001', offset: 0, limit: 2 }, seller, now);
  const next = search.searchOrders({ merchantId: 'm-1001', offset: 2, limit: 2 }, seller, now);
  assert.equal(all.total, 6);
  assert.equal(new Set([...all.rows, ...next.rows].map((r) => r.orderId)).size, 4);
  const unpaid = search.searchOrders(
    { merchantId: 'm-1001', status: 'awaiting_payment', offset: 0, limit: 10 },
    seller,
    now,
  );
  assert.deepEqual(
    unpaid.rows.map((r) => r.orderId),
    ['DEMO-1005'],
  );
});

test('a shipment batch check names every problem of every row', () => {
  const checks = search.checkShipments(
    [
      { line: 2, orderId: 'DEMO-1001', carrier: 'sf', trackingNo: 'SF1234567890123' },
      { line: 3, orderId: 'DEMO-1003', carrier: 'yto', trackingNo: 'SF1234567890124' },
      { line: 4, orderId: 'DEMO-9999', carrier: 'sf', trackingNo: 'SF1234567890125' },
      { line: 5, orderId: 'DEMO-1005', carrier: 'dhl', trackingNo: 'X' },
      { line: 6, orderId: 'DEMO-1001', carrier: 'SF', trackingNo: 'sf1234567890123' },
      { line: 7, orderId: 'DEMO-1004', carrier: 'sf', trackingNo: 'SF9988776655443' },
    ],
    seller,
    now,
  );
  assert.deepEqual(
    checks.map((c) => [c.line, c.problems]),
    [
      [2, ['duplicate_order', 'duplicate_tracking']],
      [3, ['tracking_format']],
      [4, ['order_not_found']],
      [5, ['unknown_carrier', 'not_shippable']],
      [6, ['duplicate_order', 'duplicate_tracking']],
      [7, ['tracking_in_use', 'not_shippable']],
    ],
  );
});

test('ledger lines and history show the merchant money only', () => {
  const lines = search.ledgerLines({
    merchantId: 'm-1001',
    scope: 'merchant',
    offset: 0,
    limit: 50,
  });
  assert.ok(lines.total >= 1);
  assert.ok(lines.lines.every((l) => l.account.startsWith('merchant:m-1001:')));
  const escrow = search.ledgerLines({
    merchantId: 'm-1001',
    scope: 'escrow',
    offset: 0,
    limit: 50,
  });
  assert.ok(escrow.lines.every((l) => l.account.startsWith('escrow:order:DEMO-')));
  const points = search.balanceHistory('m-1001', now - 3 * 86_400_000, now + 1);
  const heldNow = points[points.length - 1]!.heldFen;
  const sheet = service.balances({ merchantId: 'm-1001' });
  assert.equal(heldNow, sheet.escrowHeld[0]!.heldFen);
});

test('orders of the sync replica are searchable, and follow the pending state while there is one', async () => {
  const { migrateSync } = await import('../../../electron/core/sync/syncSchema.ts');
  const rdir = mkdtempSync(join(tmpdir(), 'desk-search-replica-'));
  const rdb = openDatabase(join(rdir, 'desk.db'));
  try {
    migrateSync(rdb);
    const models = createSearchModels(rdb);
    const demo = createEscrowService(db).getOrder('DEMO-1003')!.order;
    const confirmed = { ...demo, orderId: 'SRV-1', merchantId: 'm-1001' };
    rdb
      .prepare(
        'INSERT INTO sync_orders (order_id, merchant_id, status, version, created_at, state_json) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        'SRV-1',
        'm-1001',
        confirmed.status,
        confirmed.version,
        confirmed.createdAt,
        JSON.stringify(confirmed),
      );
    const find = (text: string) =>
      models.searchOrders({ merchantId: 'm-1001', text, offset: 0, limit: 10 }, seller, now);
    assert.deepEqual(
      find('SRV-1').rows.map((r) => [r.orderId, r.status, r.pendingSync]),
      [['SRV-1', 'funds_held', false]],
    );
    const shipped = {
      ...confirmed,
      status: 'shipped',
      shipment: { carrier: 'sf', trackingNo: 'SF5550001112223', shippedAt: now },
    };
    rdb
      .prepare(
        'INSERT INTO sync_provisional_orders (order_id, state_json, pending_count) VALUES (?, ?, 1)',
      )
      .run('SRV-1', JSON.stringify(shipped));
    const pending = find('5550001112');
    assert.deepEqual(
      pending.rows.map((r) => [r.orderId, r.status, r.pendingSync]),
      [['SRV-1', 'shipped', true]],
    );
    assert.equal(pending.pendingTotal, 1);
    // Confirmed by the server: the provisional row goes, the confirmed one now says shipped.
    rdb.transaction(() => {
      rdb
        .prepare(
          'UPDATE sync_orders SET status = ?, version = ?, state_json = ? WHERE order_id = ?',
        )
        .run('shipped', confirmed.version + 1, JSON.stringify(shipped), 'SRV-1');
      rdb.prepare('DELETE FROM sync_provisional_orders WHERE order_id = ?').run('SRV-1');
    })();
    assert.deepEqual(
      find('5550001112').rows.map((r) => [r.orderId, r.status, r.pendingSync]),
      [['SRV-1', 'shipped', false]],
    );
    // The ledger views read the replica journal once there is a server.
    rdb
      .prepare(
        'INSERT INTO sync_txns (seq, txn_id, kind, at, currency, order_id, legs_json, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        7,
        'srv-txn-7',
        'payment_confirmed',
        now,
        'CNY',
        'SRV-1',
        JSON.stringify([
          { account: 'platform:bank:icbc', amountFen: 10_000 },
          { account: 'escrow:order:SRV-1', amountFen: -10_000 },
        ]),
        '0'.repeat(64),
      );
    const escrowLines = models.ledgerLines({
      merchantId: 'm-1001',
      scope: 'escrow',
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(
      escrowLines.lines.map((l) => [l.txnId, l.account, l.signedFen]),
      [['srv-txn-7', 'escrow:order:SRV-1', -10_000]],
    );
    const history = models.balanceHistory('m-1001', now - 86_400_000, now + 1);
    assert.equal(history.at(-1)!.heldFen, 10_000);
  } finally {
    rdb.close();
    rmSync(rdir, { recursive: true, force: true });
  }
});
