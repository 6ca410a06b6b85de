import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol.ts';
import { trackingProblem } from '../../shared/shipping/carriers.ts';
import { loadWaybillSegment } from '../../server/shipping/waybillSegments.ts';
import { bankNotification } from './escrowSteps.ts';
import { startTestServer } from './testServer.ts';
import type { PersonName, TestServer } from './testServer.ts';

const RECIPIENT = {
  name: ' 张三 ',
  mobile: '138 1234 5678',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '文三路 478 号华星时代广场 A 座',
  postcode: '310012',
};
const SENDER = {
  name: '杭州茶庄 发货部',
  mobile: '13700001111',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '龙井路 88 号',
  postcode: '',
};

describe('recipients, shop addresses and e-waybill numbers', () => {
  let t: TestServer;
  let n = 0;
  before(async () => {
    t = await startTestServer('shipping');
  });
  after(() => t.close());

  async function order(recipient: unknown = RECIPIENT, merchantId = 'm1') {
    return t.post(
      '/v1/orders',
      {
        merchantId,
        currency: 'CNY',
        amountFen: 10_000,
        goodsKind: 'express',
        item: { title: '龙井茶 250g', quantity: 2 },
        ...(recipient === undefined ? {} : { recipient }),
      },
      'buyer1',
    );
  }
  async function paid(merchantId = 'm1'): Promise<string> {
    const r = await order(RECIPIENT, merchantId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const orderId = r.body.order.orderId as string;
    const p = await bankNotification(t, {
      orderId,
      amountFen: 10_000,
      notificationId: `sn-${++n}`,
    });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    return orderId;
  }
  const waybills = (orderIds: string[], who: PersonName = 'staff1', carrier = 'sf') =>
    t.post('/v1/waybills', { carrier, orderIds }, who);

  it('a recipient is validated with stable codes and stored trimmed', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...RECIPIENT, name: '   ' }, 'recipient_name_invalid'],
      [{ ...RECIPIENT, name: '张\n三' }, 'recipient_name_invalid'],
      [{ ...RECIPIENT, mobile: '12345' }, 'recipient_mobile_invalid'],
      [{ ...RECIPIENT, mobile: '23812345678' }, 'recipient_mobile_invalid'],
      [{ ...RECIPIENT, province: '' }, 'recipient_address_invalid'],
      [{ ...RECIPIENT, detail: 'x'.repeat(121) }, 'recipient_address_invalid'],
      [{ ...RECIPIENT, postcode: '31001' }, 'recipient_postcode_invalid'],
      [{ ...RECIPIENT, email: 'a@b.c' }, 'recipient_address_invalid'],
    ];
    for (const [recipient, code] of cases) {
      const r = await order(recipient);
      assert.equal(r.status, 400, JSON.stringify(recipient));
      assert.equal(r.body.error.code, code, JSON.stringify(recipient));
    }
    const r = await order();
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.order.recipient, {
      ...RECIPIENT,
      name: '张三',
      mobile: '13812345678',
    });
  });

  it('seller staff see the recipient masked everywhere, a seller admin in full', async () => {
    const orderId = await paid();
    const staff = await t.get(`/v1/orders/${orderId}`, 'staff1');
    assert.deepEqual(staff.body.order.recipient, {
      name: '张*',
      mobile: '138****5678',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '文三路…',
      postcode: '310012',
      masked: true,
    });
    const admin = await t.get(`/v1/orders/${orderId}`, 'admin1');
    assert.equal(admin.body.order.recipient.mobile, '13812345678');
    assert.equal(admin.body.order.recipient.masked, undefined);

    // The pull is the authority on what a replica holds: a staff desk never receives the full
    // name, number or address, neither in the order nor in its timeline; an admin desk does.
    const pullText = async (who: PersonName) => {
      const body: Record<string, unknown>[] = [];
      let cookie: string | null = null;
      const clientId = uuidv7();
      for (let i = 0; i < 20; i++) {
        const r = await t.post('/v1/sync/pull', { clientId, cookie }, who, {
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        body.push(r.body);
        cookie = r.body.cookie;
        if (!r.body.more) break;
      }
      return JSON.stringify(body);
    };
    const staffPull = await pullText('staff1');
    assert.ok(staffPull.includes('138****5678'));
    for (const secret of ['13812345678', '张三', '华星时代广场'])
      assert.ok(!staffPull.includes(secret), `staff pull leaks ${secret}`);
    const adminPull = await pullText('admin1');
    assert.ok(adminPull.includes('13812345678') && adminPull.includes('华星时代广场'));
  });

  it('only a seller admin edits the shop addresses, validated like a recipient', async () => {
    const staff = await t.post('/v1/merchant/addresses/sender', SENDER, 'staff1');
    assert.equal(staff.status, 403);
    const bad = await t.post('/v1/merchant/addresses/sender', { ...SENDER, mobile: '1' }, 'admin1');
    assert.equal(bad.body.error.code, 'recipient_mobile_invalid');
    const before = await waybills([await paid()]);
    assert.equal(before.body.error.code, 'sender_address_missing');
    for (const kind of ['sender', 'return']) {
      const r = await t.post(`/v1/merchant/addresses/${kind}`, SENDER, 'admin1');
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const read = await t.get('/v1/merchant/addresses', 'staff1');
    assert.equal(read.body.sender.name, SENDER.name);
    assert.equal(read.body.return.detail, SENDER.detail);
  });

  it('numbers come from loaded segments, once each, and running out is a clear error', async () => {
    const a = await paid();
    const none = await waybills([a]);
    assert.equal(none.status, 409);
    assert.equal(none.body.error.code, 'waybill_numbers_exhausted');
    await loadWaybillSegment(
      t.db,
      { segmentId: 'sf-a', carrier: 'sf', firstSerial: 100, lastSerial: 102 },
      'test',
      0,
    );
    await assert.rejects(
      loadWaybillSegment(
        t.db,
        { segmentId: 'sf-b', carrier: 'sf', firstSerial: 90, lastSerial: 100 },
        'test',
        0,
      ),
      { code: 'waybill_segment_overlap' },
    );
    await assert.rejects(
      loadWaybillSegment(
        t.db,
        { segmentId: 'digital-a', carrier: 'digital', firstSerial: 1, lastSerial: 9 },
        'test',
        0,
      ),
      { code: 'waybill_carrier_unsupported' },
    );
    const b = await paid();
    const first = await waybills([a, b]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const numbers = first.body.labels.map((l: { waybillNo: string }) => l.waybillNo);
    assert.deepEqual(numbers, ['SF0000000000100', 'SF0000000000101']);
    for (const no of numbers) assert.equal(trackingProblem('sf', no), null);
    const label = first.body.labels[0];
    // The label carries the recipient in full (it is printed) and never a price.
    assert.equal(label.recipient.mobile, '13812345678');
    assert.equal(label.sender.name, SENDER.name);
    assert.deepEqual(label.item, { title: '龙井茶 250g', quantity: 2 });
    assert.ok(!JSON.stringify(label).includes('amountFen'));
    // A reprint keeps the numbers.
    const again = await waybills([b, a]);
    assert.deepEqual(
      again.body.labels.map((l: { waybillNo: string }) => l.waybillNo),
      [numbers[1], numbers[0]],
    );
    // All or none: one number left, two orders asked for, nothing taken.
    const c = await paid();
    const d = await paid();
    const short = await waybills([c, d]);
    assert.equal(short.body.error.code, 'waybill_numbers_exhausted');
    const one = await waybills([c]);
    assert.equal(one.body.labels[0].waybillNo, 'SF0000000000102');
    // Another shop's order reads as missing; virtual carriers have no e-waybills.
    const other = await paid('m2');
    assert.equal((await waybills([other])).body.error.code, 'order_not_found');
    assert.equal(
      (await waybills([d], 'staff1', 'digital')).body.error.code,
      'waybill_carrier_unsupported',
    );
    assert.equal((await waybills([d], 'buyer1')).status, 403);
  });

  it('concurrent ships never share a number', async () => {
    await loadWaybillSegment(
      t.db,
      { segmentId: 'zto-a', carrier: 'zto', firstSerial: 1, lastSerial: 25 },
      'test',
      0,
    );
    const orders: string[] = [];
    for (let i = 0; i < 30; i++) orders.push(await paid());
    // Ten desks at once, three orders each, from a segment of 25 numbers.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        waybills(orders.slice(i * 3, i * 3 + 3), i % 2 ? 'staff1' : 'admin1', 'zto'),
      ),
    );
    const issued = answers.flatMap((r) =>
      r.status === 200 ? r.body.labels.map((l: { waybillNo: string }) => l.waybillNo) : [],
    );
    const refused = answers.filter((r) => r.status !== 200);
    assert.equal(new Set(issued).size, issued.length, 'no number twice');
    assert.equal(issued.length, 24, 'eight batches of three fit in 25 numbers');
    for (const r of refused) assert.equal(r.body.error.code, 'waybill_numbers_exhausted');
    const stored = await t.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM order_waybills WHERE carrier = 'zto'",
    );
    assert.equal(Number(stored.rows[0]?.n), 24);
  });
});
