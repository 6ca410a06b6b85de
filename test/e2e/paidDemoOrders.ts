import assert from 'node:assert/strict';
import type { Actor, EscrowCommand } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { DEMO_RECIPIENTS } from '../../server/demo/demoAddresses.ts';
import { runCommand } from '../../server/escrow/runCommand.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { demoAccount } from '../shell/deskHostFixture.ts';

/**
 * Paid orders for the demo tea shop (staff1's), with buyer.zhang's recipient, made through the
 * real rules on the running central API (as loadDemo makes its own).
 */
export async function paidDemoOrders(
  api: RunningServer,
  orderIds: readonly string[],
): Promise<void> {
  const buyer = demoAccount('buyer.zhang');
  const buyerActor: Actor = { role: 'buyer', userId: buyer.userId };
  const bank: Actor = { role: 'bank', userId: 'bank:icbc' };
  const run = async (actor: Actor, command: EscrowCommand) => {
    const r = await runCommand(api.ctx.db, { commandId: uuidv7(), actor, command }, api.ctx.clock);
    assert.ok(r.ok, `${command.type} ${command.orderId}`);
  };
  for (const [i, orderId] of orderIds.entries()) {
    await run(buyerActor, {
      type: 'create_order',
      orderId,
      merchantId: 'm-hz-tea',
      buyerId: buyer.userId,
      currency: 'CNY',
      amountFen: 10_000 + i,
      feeBps: 60,
      goodsKind: 'express',
      item: { title: `龙井 ${i + 1}`, quantity: 1 + (i % 3) },
      recipient: DEMO_RECIPIENTS['buyer.zhang']!,
    });
    await run(bank, {
      type: 'confirm_payment',
      orderId,
      bank: 'icbc',
      bankRef: `E2E-${orderId}`,
      currency: 'CNY',
      amountFen: 10_000 + i,
    });
  }
}
