// Issue 14: buyer photos on refund requests, evidence on refusals, recipients for parcels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrder, paidOrder, shippedOrder } from './escrowSteps.ts';
import { startTestServer } from './testServer.ts';
import type { PersonName, TestServer } from './testServer.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

/** A JPEG whose APP1 (EXIF) carries a position and whose comment names the buyer. */
function jpegWithExif(): Buffer {
  const seg = (marker: number, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(0xff00 | marker, 0);
    head.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([head, body]);
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    seg(0xe1, Buffer.from('Exif\0\0GPS 30.2741N 120.1551E', 'latin1')),
    seg(0xfe, Buffer.from('taken by buyer zhang at home', 'latin1')),
    seg(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0x56, 0xff, 0xd9]),
  ]);
}
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const HTML_AS_JPG = Buffer.from('<html><script>alert(1)</script></html>');

describe('refund photos, refusal evidence and recipients', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('refund_files');
  });
  after(() => t.close());

  async function upload(who: PersonName, name: string, content: Buffer, type = 'image/jpeg') {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(content)], { type }), name);
    const r = await fetch(`${t.url}/v1/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(who)}` },
      body: form,
    });
    assert.equal(r.status, 201);
    return ((await r.json()) as { evidence: { sha256: string; mime: string } }).evidence;
  }
  async function file(orderId: string, refundId: string, sha256: string, who: PersonName) {
    const r = await fetch(`${t.url}/v1/orders/${orderId}/refunds/${refundId}/files/${sha256}`, {
      headers: { authorization: `Bearer ${await t.token(who)}` },
    });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  }
  const refundOf = async (orderId: string) =>
    (await t.get(`/v1/orders/${orderId}`, 'staff1')).body.order.refunds[0];

  it('a parcel needs a recipient; virtual goods do not', async () => {
    const base = { merchantId: 'm1', currency: 'CNY', amountFen: 5_000 };
    for (const goodsKind of ['express', 'surface']) {
      const r = await t.post(
        '/v1/orders',
        { ...base, goodsKind, item: { title: 'tea', quantity: 1 } },
        'buyer1',
      );
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'recipient_required');
    }
    const bad = await t.post(
      '/v1/orders',
      {
        ...base,
        goodsKind: 'express',
        item: { title: 'tea', quantity: 1 },
        recipient: { ...TEST_RECIPIENT, mobile: '123' },
      },
      'buyer1',
    );
    assert.equal(bad.body.error.code, 'recipient_mobile_invalid');
    const virtual = await t.post(
      '/v1/orders',
      { ...base, goodsKind: 'virtual', item: { title: 'gift card', quantity: 1 } },
      'buyer1',
    );
    assert.equal(virtual.status, 201, JSON.stringify(virtual.body));
    assert.equal(virtual.body.order.recipient, undefined);
    // Nothing was stored for the refused ones: the buyer's only order is the virtual one.
    const mine = await t.testDb.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM orders WHERE buyer_id = 'b1' AND state->>'goodsKind' <> 'virtual'",
    );
    assert.equal(Number(mine.rows[0]?.n), 0);
    assert.ok(await createOrder(t, { goodsKind: 'surface' }));
  });

  it('the buyer sends photos; the merchant sees them without metadata, nobody else does', async () => {
    const orderId = await shippedOrder(t);
    const jpeg = await upload('buyer1', '破损.jpg', jpegWithExif());
    const png = await upload('buyer1', 'box.png', PNG, 'text/html');
    assert.equal(png.mime, 'image/png');
    const r = await t.post(
      `/v1/orders/${orderId}/refunds`,
      {
        kind: 'refund_only',
        amountFen: 3_000,
        reason: '茶叶罐压坏了',
        photos: [jpeg.sha256, png.sha256],
      },
      'buyer1',
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const refund = await refundOf(orderId);
    assert.deepEqual(
      refund.buyerEvidence.map((f: { name: string; mime: string }) => [f.name, f.mime]),
      [
        ['破损.jpg', 'image/jpeg'],
        ['box.png', 'image/png'],
      ],
    );
    const seen = await file(orderId, refund.refundId, jpeg.sha256, 'staff1');
    assert.equal(seen.status, 200);
    assert.equal(seen.headers.get('content-type'), 'image/jpeg');
    assert.equal(seen.headers.get('x-content-type-options'), 'nosniff');
    assert.match(seen.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(seen.bytes.includes('GPS'), false, 'EXIF is dropped for the seller');
    assert.equal(seen.bytes.includes('buyer zhang'), false, 'comments are dropped');
    assert.ok(seen.bytes.includes(Buffer.from([0x12, 0x34, 0x56, 0xff, 0xd9])), 'picture kept');
    assert.ok(seen.bytes.includes('JFIF'), 'APP0 kept');
    assert.equal((await file(orderId, refund.refundId, png.sha256, 'admin1')).status, 200);
    // The buyer gets their own file back as sent.
    assert.ok((await file(orderId, refund.refundId, jpeg.sha256, 'buyer1')).bytes.includes('GPS'));
    // Another merchant's staff, another buyer, an agent without a case: exactly "not found",
    // the same answer as for a file that does not exist.
    const missing = await file(orderId, refund.refundId, 'f'.repeat(64), 'staff1');
    assert.equal(missing.status, 404);
    for (const who of ['staff2', 'admin2', 'buyer2', 'agent1'] as const) {
      const other = await file(orderId, refund.refundId, jpeg.sha256, who);
      assert.equal(other.status, 404, who);
      assert.deepEqual(JSON.parse(other.bytes.toString()), JSON.parse(missing.bytes.toString()));
    }
  });

  it('photos must be images by their bytes, the buyer’s own, at most nine', async () => {
    const orderId = await shippedOrder(t);
    const ask = (photos: string[], who: PersonName = 'buyer1') =>
      t.post(
        `/v1/orders/${orderId}/refunds`,
        { kind: 'refund_only', amountFen: 1_000, reason: 'broken', photos },
        who,
      );
    const html = await upload('buyer1', 'photo.jpg', HTML_AS_JPG);
    assert.equal(html.mime, 'application/octet-stream');
    const notImage = await ask([html.sha256]);
    assert.equal(notImage.status, 400);
    assert.equal(notImage.body.error.code, 'photo_not_image');
    const pdf = await upload('buyer1', 'scan.pdf', PDF, 'image/png');
    assert.equal((await ask([pdf.sha256])).body.error.code, 'photo_not_image');
    const theirs = await upload('buyer2', 'theirs.png', Buffer.concat([PNG, Buffer.from('b2')]));
    assert.equal((await ask([theirs.sha256])).body.error.code, 'invalid_input');
    const ten: string[] = [];
    for (let i = 0; i < 10; i++)
      ten.push(
        (await upload('buyer1', `p${i}.png`, Buffer.concat([PNG, Buffer.from([i])]))).sha256,
      );
    const tooMany = await ask(ten);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.code, 'too_many_files');
    // None of the refused requests left a refund behind.
    assert.equal((await t.get(`/v1/orders/${orderId}`, 'buyer1')).body.order.refunds.length, 0);
    assert.equal((await ask(ten.slice(0, 9))).status, 201);
  });

  it('a refusal carries its evidence in one step, and an agent reads it once escalated', async () => {
    const orderId = await paidOrder(t);
    const asked = await t.post(
      `/v1/orders/${orderId}/refunds`,
      { kind: 'refund_only', amountFen: 10_000, reason: '不想要了' },
      'buyer1',
    );
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const refundId = (await refundOf(orderId)).refundId as string;
    const refuse = (evidence: string[], who: PersonName = 'staff1') =>
      t.post(
        `/v1/orders/${orderId}/refunds/${refundId}/refuse`,
        { reason: '商品与描述相符', evidence },
        who,
      );
    const zip = await upload('staff1', 'logs.zip', Buffer.from([0x50, 0x4b, 3, 4, 9, 9, 9]));
    const wrongType = await refuse([zip.sha256]);
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error.code, 'evidence_type_not_allowed');
    const adminsFile = await upload('admin1', 'a.pdf', Buffer.concat([PDF, Buffer.from('a1')]));
    assert.equal((await refuse([adminsFile.sha256])).body.error.code, 'invalid_input');
    // Neither refusal happened: the refund still waits for an answer.
    assert.equal((await refundOf(orderId)).status, 'requested');

    const pdf = await upload('staff1', '签收单.pdf', PDF);
    const photo = await upload('staff1', 'packing.png', Buffer.concat([PNG, Buffer.from('s')]));
    const done = await refuse([pdf.sha256, photo.sha256]);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const refused = await refundOf(orderId);
    assert.equal(refused.status, 'refused');
    assert.deepEqual(
      refused.sellerEvidence.map((f: { mime: string }) => f.mime),
      ['application/pdf', 'image/png'],
    );
    assert.equal((await file(orderId, refundId, pdf.sha256, 'agent1')).status, 404);
    const esc = await t.post(`/v1/orders/${orderId}/refunds/${refundId}/escalate`, {}, 'buyer1');
    assert.equal(esc.status, 200, JSON.stringify(esc.body));
    const agentSees = await file(orderId, refundId, pdf.sha256, 'agent1');
    assert.equal(agentSees.status, 200);
    assert.equal(agentSees.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(agentSees.bytes, PDF);
    assert.equal((await file(orderId, refundId, pdf.sha256, 'buyer1')).status, 200);
    assert.equal((await file(orderId, refundId, pdf.sha256, 'staff2')).status, 404);
  });
});
