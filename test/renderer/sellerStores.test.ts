import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { translatorFor } from '../../renderer/i18n/translate.ts';
import { createAppStores } from '../../renderer/stores/appStores.ts';
import { validRows } from '../../renderer/stores/batchShipStore.ts';
import { fenOf } from './csvFen.ts';
import { startTestDesk } from './deskForTests.ts';

/**
 * One desk (a demo server, a desk core, staff1's replica) for the whole file: starting one costs
 * seconds of CPU, and each test works on orders of its own. The first test starts signed out;
 * the others sign in once, as a seller does at the start of a shift.
 */
const testDesk = startTestDesk();
after(() => testDesk.cleanup());
let signedIn: Promise<void> | null = null;
async function signedInDesk(): Promise<typeof testDesk.desk> {
  signedIn ??= (async () => {
    const r = await testDesk.desk.session.signIn({
      username: 'staff1',
      password: 'escrow-demo-2005',
    });
    if (!r.ok) throw new Error(r.error.message);
    // The replica's first pull, as a desk does right after sign-in.
    await testDesk.desk.sync.now({});
  })();
  await signedIn;
  return testDesk.desk;
}

test('sign-in refuses a wrong password and then signs the seller in with their role', async () => {
  const { desk } = testDesk;
  const { session } = createAppStores(desk);
  await session.getState().restore();
  assert.equal(session.getState().phase, 'signed_out');
  assert.equal(await session.getState().signIn('staff1', 'wrong'), false);
  assert.equal(session.getState().error?.code, 'unauthorized');
  assert.match(session.getState().error?.message ?? '', /wrong username or password/);
  assert.equal(await session.getState().signIn('staff1', 'escrow-demo-2005'), true);
  assert.equal(session.getState().user?.role, 'seller_staff');
  await session.getState().signOut();
  assert.equal(session.getState().phase, 'signed_out');
});

test('the order list finds an order by tracking number and ignores answers to older searches', async () => {
  const desk = await signedInDesk();
  const { orders } = createAppStores(desk);
  const shipped = await desk.orders.get({ orderId: 'demo-order-010' });
  assert.ok(shipped.ok);
  await orders.getState().setFilters({ text: shipped.value.order.shipment!.trackingNo });
  assert.equal(orders.getState().total, 1);
  assert.equal(orders.getState().rowAt(0)?.orderId, 'demo-order-010');
  // Two searches in flight: only the later one may show.
  const first = orders.getState().setFilters({ text: 'demo' });
  const second = orders.getState().setFilters({ text: 'order-018' });
  await Promise.all([first, second]);
  assert.equal(orders.getState().total, 1);
  assert.equal(orders.getState().rowAt(0)?.orderId, 'demo-order-018');
  // While the next search runs, the last results stay up (marked loading), then are replaced
  // whole: no row of the old search survives next to the new ones.
  const typing = orders.getState().setFilters({ text: '', status: 'funds_held' });
  assert.equal(orders.getState().loading, true);
  assert.equal(orders.getState().rowAt(0)?.orderId, 'demo-order-018');
  await typing;
  assert.equal(orders.getState().loading, false);
  assert.ok(orders.getState().total! >= 3);
  for (let i = 0; i < orders.getState().total!; i++) {
    assert.equal(orders.getState().rowAt(i)?.status, 'funds_held');
  }
  // A search the desk refuses (a NUL pasted in) lists nothing under its error: neither the
  // previous rows nor their count, which left that many rows waiting for pages never asked.
  await orders.getState().setFilters({ text: `\u0000${'x'.repeat(90)}` });
  assert.equal(orders.getState().error?.code, 'invalid_text');
  assert.equal(orders.getState().total, 0);
  assert.equal(orders.getState().rowAt(0), undefined);
});

test('shipping with a tracking number in the wrong format is refused and changes nothing', async () => {
  const desk = await signedInDesk();
  const stores = createAppStores(desk);
  const bad = await stores.commands.ship({
    orderId: 'demo-order-003',
    carrier: 'sf',
    trackingNo: 'YT1234567890123',
  });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, 'invalid_tracking_number');
  assert.equal(stores.sync.getState().rejected[0]?.orderId, 'demo-order-003');
  await stores.detail.getState().open('demo-order-003');
  assert.equal(stores.detail.getState().detail?.order.status, 'funds_held');

  const good = await stores.commands.ship({
    orderId: 'demo-order-003',
    carrier: 'sf',
    trackingNo: 'SF1234567890123',
  });
  assert.ok(good.ok);
  // Shown shipped at once; the server's timeline has it once the desk has synced.
  assert.equal(good.ok && good.value.order.status, 'shipped');
  await desk.sync.now({});
  await stores.detail.getState().reload();
  const detail = stores.detail.getState().detail!;
  assert.equal(detail.order.status, 'shipped');
  assert.equal(detail.timeline.at(-1)?.type, 'order_shipped');
  assert.equal(detail.timeline.at(-1)?.actor.userId, 'u-staff-1');
  await stores.shippingQueue.getState().setFilters({});
  const queued: string[] = [];
  for (let i = 0; i < stores.shippingQueue.getState().total!; i++) {
    queued.push(stores.shippingQueue.getState().rowAt(i)!.orderId);
  }
  assert.ok(!queued.includes('demo-order-003'));
});

test('a CSV batch shows every bad row with its reasons and ships only the good rows', async () => {
  const desk = await signedInDesk();
  const stores = createAppStores(desk);
  const csv = [
    'order_id,carrier,tracking_no',
    'demo-order-018,sf,SF1111222233334',
    'demo-order-019,yto,SF1111222233335',
    'demo-order-999,sf,SF1111222233336',
    '"demo-order-021",ems,EA123456785CN',
  ].join('\n');
  await stores.batchShip.getState().preview(csv);
  const rows = stores.batchShip.getState().rows;
  assert.deepEqual(
    rows.map((r) => [r.line, r.orderId, r.problems]),
    [
      [2, 'demo-order-018', []],
      [3, 'demo-order-019', ['tracking_format']],
      [4, 'demo-order-999', ['order_not_found']],
      [5, 'demo-order-021', []],
    ],
  );
  // Nothing is applied by the preview.
  const before = await desk.orders.get({ orderId: 'demo-order-018' });
  assert.equal(before.ok && before.value.order.status, 'funds_held');

  await stores.batchShip.getState().apply();
  assert.deepEqual(
    stores.batchShip.getState().results.map((r) => [r.orderId, r.ok]),
    validRows(rows).map((r) => [r.orderId, true]),
  );
  for (const [orderId, status] of [
    ['demo-order-018', 'shipped'],
    ['demo-order-021', 'shipped'],
    ['demo-order-019', 'funds_held'],
  ] as const) {
    const r = await desk.orders.get({ orderId });
    assert.equal(r.ok && r.value.order.status, status, orderId);
  }
});

test('refusing a refund needs a reason; agreeing takes it out of the refund queue', async () => {
  const desk = await signedInDesk();
  const stores = createAppStores(desk);
  await stores.refundQueue.getState().setFilters({});
  const row = stores.refundQueue.getState().rowAt(0)!;
  assert.equal(row.orderId, 'demo-order-010');
  assert.equal(row.deadline?.kind, 'refund_answer');
  const refused = await stores.commands.refuseRefund(row.orderId, row.refund!.refundId, '');
  assert.equal(refused.ok, false);
  const agreed = await stores.commands.agreeRefund(row.orderId, row.refund!.refundId);
  assert.ok(agreed.ok);
  assert.equal(agreed.ok && agreed.value.order.status, 'refunded');
  await stores.refundQueue.getState().refresh();
  assert.equal(stores.refundQueue.getState().total, 0);
});

test('balance figures match the ledger and the CSV export holds every line', async () => {
  const desk = await signedInDesk();
  // The earlier tests' refund and ships reach the replica's journal with a later pull: wait for
  // it, so the figures, the list's total and the export all see the same journal.
  await desk.sync.now({});
  const { balance } = createAppStores(desk);
  await balance.getState().load();
  const figures = balance.getState().figures!;
  const sheet = await desk.ledger.balances({});
  assert.ok(sheet.ok);
  assert.equal(figures.heldFen, sheet.value.escrowHeld[0]!.heldFen);
  // The demo shop's deposit, less what a paid claim recovered from it: as the ledger says.
  const deposit = sheet.value.accounts.find((a) => a.account === 'merchant:m-hz-tea:deposit');
  assert.equal(figures.depositFen, deposit?.balanceFen);
  assert.ok(figures.depositFen > 0);
  assert.ok(figures.heldFen > 0);
  assert.equal(balance.getState().history.length, 30);
  assert.equal(balance.getState().history.at(-1)!.heldFen, figures.heldFen);

  await balance.getState().setFilters({ scope: 'escrow' });
  const csv = await balance.getState().exportCsv(translatorFor('en', 'UTC'));
  assert.ok(csv !== null, 'the export was refused');
  const lines = csv.trim().split('\r\n');
  assert.equal(
    lines[0],
    'Seq,Time (Asia/Shanghai),Kind,Order no.,Account,Currency,Amount (yuan),Balance after (yuan),Transaction id',
  );
  assert.equal(lines.length - 1, balance.getState().total);
  // Amounts carry the screen's sign: held money is what the escrow accounts were credited.
  const sumFen = lines.slice(1).reduce((s, l) => s + fenOf(l.split(',')[6]!), 0);
  assert.equal(sumFen, figures.heldFen);
});

test('the chosen language is saved in the desk settings', async () => {
  const desk = await signedInDesk();
  const { locale } = createAppStores(desk);
  await locale.getState().setLocale('zh-TW');
  const other = createAppStores(desk).locale;
  await other.getState().load();
  assert.equal(other.getState().locale, 'zh-TW');
  assert.equal(other.getState().tr.t('nav.shipping'), '出貨');
  assert.match(other.getState().tr.money(123456), /1,234\.56/);
});
