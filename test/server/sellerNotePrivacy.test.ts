import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from '../../shared/escrow/decide.ts';
import type { Actor, EscrowCommand, OrderState } from '../../shared/escrow/types.ts';
import { orderFor } from '../../server/http/sellerView.ts';
import { decided } from '../fixtures/decided.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

const buyer: Actor = { role: 'buyer', userId: 'b1' };
const staff: Actor = { role: 'seller_staff', userId: 's1', merchantId: 'm1' };
const otherShop: Actor = { role: 'seller_staff', userId: 's2', merchantId: 'm2' };

const run = (state: OrderState | null, command: EscrowCommand, actor: Actor) =>
  decided(state, command, actor, 1_000);

test("a seller's note and flag are the merchant's: other shops may not set them, buyers never see them", () => {
  let order = run(
    null,
    {
      type: 'create_order',
      orderId: 'o1',
      merchantId: 'm1',
      buyerId: 'b1',
      currency: 'CNY',
      amountFen: 5_000,
      feeBps: 60,
      goodsKind: 'express',
      recipient: TEST_RECIPIENT,
      item: { title: '龙井', quantity: 1 },
    },
    buyer,
  );
  const annotate: EscrowCommand = {
    type: 'annotate_order',
    orderId: 'o1',
    note: '老客户',
    flag: 'red',
  };
  const refused = decide(order, annotate, { now: 2_000, actor: otherShop });
  assert.equal(refused.ok ? null : refused.error.code, 'forbidden');
  const bad = decide(order, { ...annotate, flag: 'black' } as unknown as EscrowCommand, {
    now: 2_000,
    actor: staff,
  });
  assert.equal(bad.ok ? null : bad.error.code, 'invalid_input');
  order = run(order, annotate, staff);
  assert.equal(order.sellerNote, '老客户');
  assert.equal(order.flag, 'red');
  assert.equal(order.heldFen, 0, 'a note moves no money');
  assert.equal(orderFor(staff, order).sellerNote, '老客户');
  const seen = orderFor(buyer, order);
  assert.equal('sellerNote' in seen, false);
  assert.equal('flag' in seen, false);
});
