import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { validateCommand } from '../../../shared/escrow/validateCommand.ts';
import { maskRecipient, parseRecipient } from '../../../shared/shipping/recipient.ts';
import type { Recipient } from '../../../shared/shipping/recipient.ts';

const R: Recipient = {
  name: '欧阳娜娜',
  mobile: '13912345678',
  province: '北京市',
  city: '北京市',
  district: '朝阳区',
  detail: '建国路 88 号 SOHO 现代城 2 号楼',
  postcode: '',
};

test('masking keeps the first character, the number’s ends and the first of the detail', () => {
  assert.deepEqual(maskRecipient(R), {
    ...R,
    name: '欧***',
    mobile: '139****5678',
    detail: '建国路…',
    masked: true,
  });
  assert.equal(maskRecipient({ ...R, name: '张' }).name, '张*');
  assert.equal(maskRecipient({ ...R, detail: '一号' }).detail, '一号');
  // Masking a masked recipient changes nothing (a staff desk may hand one back).
  assert.deepEqual(maskRecipient(maskRecipient(R)), maskRecipient(R));
});

test('a masked recipient never holds the full name, number or detail', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 2, maxLength: 30, unit: 'grapheme' }),
      fc.stringMatching(/^1[3-9]\d{9}$/),
      fc.string({ minLength: 5, maxLength: 120, unit: 'grapheme' }),
      (name, mobile, detail) => {
        const m = maskRecipient({ ...R, name, mobile, detail });
        // The middle four digits are gone (the last four may equal them: 130 0668 0668).
        assert.equal(m.mobile, `${mobile.slice(0, 3)}****${mobile.slice(-4)}`);
        assert.notEqual(m.mobile, mobile);
        assert.ok([...m.name].length === [...name].length);
        assert.notEqual(m.detail, detail);
      },
    ),
  );
});

test('the shared rules hold a create_order recipient to its parsed form', () => {
  const order = {
    type: 'create_order',
    orderId: 'o-1',
    merchantId: 'm1',
    buyerId: 'b1',
    currency: 'CNY',
    amountFen: 100,
    feeBps: 60,
    goodsKind: 'express',
    item: { title: 'tea', quantity: 1 },
  };
  assert.equal(validateCommand({ ...order, recipient: parseRecipient(R) }), null);
  assert.equal(
    validateCommand({ ...order, recipient: { ...R, name: ' 欧阳娜娜 ' } })?.code,
    'recipient_address_invalid',
  );
  assert.equal(
    validateCommand({ ...order, recipient: { ...R, mobile: '1391234567' } })?.code,
    'recipient_mobile_invalid',
  );
  assert.equal(
    validateCommand({ ...order, recipient: 'Beijing' })?.code,
    'recipient_address_invalid',
  );
});
