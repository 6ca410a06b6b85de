import type { Actor, EscrowCommand } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { DAY_MS, HOUR_MS } from '../../shared/time.ts';
import { createMerchant, createUser } from '../auth/users.ts';
import { saveMerchantTimeZone } from '../merchant/merchantTimeZone.ts';
import { ManualClock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { runCommand } from '../escrow/runCommand.ts';
import { storeEvidence } from '../evidence/evidenceStore.ts';
import { fundGuaranteeFund, recordMerchantDeposit } from '../ledger/platformFunding.ts';
import { saveMerchantAddress } from '../shipping/merchantAddresses.ts';
import { loadWaybillSegment } from '../shipping/waybillSegments.ts';
import { DEMO_ACCOUNTS, DEMO_MERCHANTS } from './demoAccounts.ts';
import { DEMO_RECIPIENTS, DEMO_SENDERS, DEMO_WAYBILL_SEGMENTS } from './demoAddresses.ts';

const GUARANTEE_FUND_FEN = 100_000_000; // ¥1,000,000

function demoRecipient(buyer: string) {
  const r = DEMO_RECIPIENTS[buyer];
  if (!r) throw new Error(`no demo recipient for ${buyer}`);
  return r;
}

/**
 * Loads the demo: merchants, people, a funded guarantee fund and deposits, and orders in every
 * state with open refunds and claims. Every order is built by applying real commands through
 * the same rules and ledger as production, on a controlled clock that ends at `endMs`, so that
 * nothing is pending in the past (timers that should have fired have fired in the story).
 * Returns false when demo data is already there.
 */
export async function loadDemo(db: Database, endMs: number = Date.now()): Promise<boolean> {
  const existing = await db.query('SELECT 1 FROM merchants WHERE merchant_id = $1', [
    DEMO_MERCHANTS[0]?.merchantId,
  ]);
  if (existing.rowCount > 0) return false;

  const start = endMs - 60 * DAY_MS;
  for (const m of DEMO_MERCHANTS) {
    await createMerchant(db, m, start);
    if (m.timeZone) await saveMerchantTimeZone(db, m.merchantId, m.timeZone);
  }
  for (const a of DEMO_ACCOUNTS) await createUser(db, a, start);
  await fundGuaranteeFund(db, {
    fundingId: 'demo-fund-1',
    amountFen: GUARANTEE_FUND_FEN,
    bank: 'icbc',
    at: start,
  });
  for (const m of DEMO_MERCHANTS)
    await recordMerchantDeposit(db, {
      fundingId: `demo-deposit-${m.merchantId}`,
      merchantId: m.merchantId,
      amountFen: m.depositFen,
      bank: 'icbc',
      at: start,
    });
  for (const m of DEMO_MERCHANTS) {
    const sender = DEMO_SENDERS[m.merchantId];
    if (!sender) continue;
    for (const kind of ['sender', 'return'] as const)
      await saveMerchantAddress(db, m.merchantId, kind, sender, 'demo', start);
  }
  for (const seg of DEMO_WAYBILL_SEGMENTS) await loadWaybillSegment(db, seg, 'demo', start);

  const clock = new ManualClock(start);
  const bank: Actor = { role: 'bank', userId: 'bank:icbc' };
  const system: Actor = { role: 'system', userId: 'system:timers' };
  const person = (username: string): Actor => {
    const a = DEMO_ACCOUNTS.find((x) => x.username === username);
    if (!a) throw new Error(`no demo account ${username}`);
    return a.merchantId
      ? { role: a.role, userId: a.userId, merchantId: a.merchantId }
      : { role: a.role, userId: a.userId };
  };
  const run = async (atMs: number, actor: Actor, command: EscrowCommand) => {
    clock.set(atMs);
    const outcome = await runCommand(db, { commandId: uuidv7(atMs), actor, command }, clock);
    if (!outcome.ok)
      throw new Error(
        `demo step ${command.type} refused: ${outcome.error.code} ${outcome.error.message}`,
      );
  };

  /** One order's story: made `ageMs` before the end, paid an hour later unless told not to. */
  let n = 0;
  const order = async (o: {
    merchant: number;
    buyer: string;
    title: string;
    amountFen: number;
    goodsKind?: 'express' | 'surface' | 'virtual';
    ageMs: number;
    paid?: boolean;
  }) => {
    const m = DEMO_MERCHANTS[o.merchant];
    if (!m) throw new Error('no merchant');
    const orderId = `demo-order-${String(++n).padStart(3, '0')}`;
    const buyer = person(o.buyer);
    const t0 = endMs - o.ageMs;
    await run(t0, buyer, {
      type: 'create_order',
      orderId,
      merchantId: m.merchantId,
      buyerId: buyer.userId,
      currency: 'CNY',
      amountFen: o.amountFen,
      feeBps: m.feeBps,
      goodsKind: o.goodsKind ?? 'express',
      item: { title: o.title, quantity: 1 },
      // Virtual goods are delivered as a code: no parcel, no recipient.
      ...(o.goodsKind === 'virtual' ? {} : { recipient: demoRecipient(o.buyer) }),
    });
    if (o.paid !== false)
      await run(t0 + HOUR_MS, bank, {
        type: 'confirm_payment',
        orderId,
        bank: 'icbc',
        bankRef: `ICBC${String(n).padStart(8, '0')}`,
        currency: 'CNY',
        amountFen: o.amountFen,
      });
    return { orderId, t0, staff: `staff${o.merchant + 1}`, buyer: o.buyer };
  };
  const ship = (o: { orderId: string; staff: string }, at: number) =>
    run(at, person(o.staff), {
      type: 'ship',
      orderId: o.orderId,
      carrier: 'SF Express',
      trackingNo: `SF${String(at).slice(-10)}`,
    });

  // awaiting_payment, and one that the timer closed unpaid
  await order({
    merchant: 0,
    buyer: 'buyer.zhang',
    title: '明前龙井 250g',
    amountFen: 68_800,
    ageMs: 2 * HOUR_MS,
    paid: false,
  });
  const unpaid = await order({
    merchant: 1,
    buyer: 'buyer.chen',
    title: 'USB-C 扩展坞',
    amountFen: 29_900,
    ageMs: 5 * DAY_MS,
    paid: false,
  });
  await run(unpaid.t0 + 73 * HOUR_MS, system, { type: 'advance_timers', orderId: unpaid.orderId });

  // funds_held (to ship) and shipped (auto-confirm pending)
  await order({
    merchant: 0,
    buyer: 'buyer.smith',
    title: 'Dragon Well tea gift box',
    amountFen: 128_000,
    ageMs: 6 * HOUR_MS,
  });
  await order({
    merchant: 2,
    buyer: 'buyer.chen',
    title: '手工陶杯',
    amountFen: 45_000,
    ageMs: 20 * HOUR_MS,
  });
  const shipped = await order({
    merchant: 3,
    buyer: 'buyer.smith',
    title: 'First edition, 1926',
    amountFen: 350_000,
    ageMs: 3 * DAY_MS,
  });
  await ship(shipped, shipped.t0 + DAY_MS);

  // completed by the buyer, and completed by the auto-confirm timer
  const done = await order({
    merchant: 1,
    buyer: 'buyer.zhang',
    title: '机械键盘',
    amountFen: 59_900,
    ageMs: 20 * DAY_MS,
  });
  await ship(done, done.t0 + DAY_MS);
  await run(done.t0 + 4 * DAY_MS, person('buyer.zhang'), {
    type: 'confirm_receipt',
    orderId: done.orderId,
  });
  const auto = await order({
    merchant: 2,
    buyer: 'buyer.smith',
    title: 'E-book bundle',
    amountFen: 9_900,
    goodsKind: 'virtual',
    ageMs: 10 * DAY_MS,
  });
  await ship(auto, auto.t0 + 2 * HOUR_MS);
  await run(auto.t0 + 4 * DAY_MS, system, { type: 'advance_timers', orderId: auto.orderId });

  // refunded before shipment; partially refunded after
  const refunded = await order({
    merchant: 0,
    buyer: 'buyer.chen',
    title: '碧螺春 100g',
    amountFen: 32_000,
    ageMs: 4 * DAY_MS,
  });
  await run(refunded.t0 + 2 * HOUR_MS, person('buyer.chen'), {
    type: 'request_refund',
    orderId: refunded.orderId,
    refundId: 'demo-refund-1',
    kind: 'refund_only',
    amountFen: 32_000,
    reason: '拍错了 / ordered by mistake',
  });
  await run(refunded.t0 + 5 * HOUR_MS, person('staff1'), {
    type: 'agree_refund',
    orderId: refunded.orderId,
    refundId: 'demo-refund-1',
  });
  const partial = await order({
    merchant: 1,
    buyer: 'buyer.smith',
    title: 'Headphones',
    amountFen: 89_900,
    ageMs: 6 * DAY_MS,
  });
  await ship(partial, partial.t0 + DAY_MS);
  await run(partial.t0 + 3 * DAY_MS, person('buyer.smith'), {
    type: 'request_refund',
    orderId: partial.orderId,
    refundId: 'demo-refund-2',
    kind: 'refund_only',
    amountFen: 20_000,
    reason: 'Box arrived dented',
  });
  await run(partial.t0 + 3 * DAY_MS + 2 * HOUR_MS, person('staff2'), {
    type: 'agree_refund',
    orderId: partial.orderId,
    refundId: 'demo-refund-2',
  });

  // open refunds: waiting for the seller, waiting for the return, refused and escalated
  const openRefund = await order({
    merchant: 0,
    buyer: 'buyer.zhang',
    title: '紫砂壶',
    amountFen: 150_000,
    ageMs: 3 * DAY_MS,
  });
  await ship(openRefund, openRefund.t0 + DAY_MS);
  await run(endMs - 3 * HOUR_MS, person('buyer.zhang'), {
    type: 'request_refund',
    orderId: openRefund.orderId,
    refundId: 'demo-refund-3',
    kind: 'refund_only',
    amountFen: 150_000,
    reason: '壶身有裂纹',
  });
  const returning = await order({
    merchant: 2,
    buyer: 'buyer.smith',
    title: 'Hand-woven bag',
    amountFen: 76_000,
    ageMs: 5 * DAY_MS,
  });
  await ship(returning, returning.t0 + DAY_MS);
  await run(returning.t0 + 3 * DAY_MS, person('buyer.smith'), {
    type: 'request_refund',
    orderId: returning.orderId,
    refundId: 'demo-refund-4',
    kind: 'return_and_refund',
    amountFen: 76_000,
    reason: 'Wrong colour',
  });
  await run(returning.t0 + 3 * DAY_MS + HOUR_MS, person('staff3'), {
    type: 'agree_refund',
    orderId: returning.orderId,
    refundId: 'demo-refund-4',
  });
  const escalated = await order({
    merchant: 1,
    buyer: 'buyer.chen',
    title: '智能手表',
    amountFen: 199_900,
    ageMs: 5 * DAY_MS,
  });
  await ship(escalated, escalated.t0 + DAY_MS);
  await run(escalated.t0 + 2 * DAY_MS, person('buyer.chen'), {
    type: 'request_refund',
    orderId: escalated.orderId,
    refundId: 'demo-refund-5',
    kind: 'refund_only',
    amountFen: 199_900,
    reason: '无法开机',
  });
  await run(escalated.t0 + 2 * DAY_MS + 3 * HOUR_MS, person('staff2'), {
    type: 'refuse_refund',
    orderId: escalated.orderId,
    refundId: 'demo-refund-5',
    reason: '签收时完好',
  });
  await run(escalated.t0 + 3 * DAY_MS, person('buyer.chen'), {
    type: 'escalate_refund',
    orderId: escalated.orderId,
    refundId: 'demo-refund-5',
  });

  // claims: submitted (with an evidence file), awaiting seller evidence, paid from the
  // guarantee fund with recovery, waiting for a second approval, rejected
  const c1 = await order({
    merchant: 3,
    buyer: 'buyer.smith',
    title: 'Signed letters (lot 12)',
    amountFen: 420_000,
    ageMs: 25 * DAY_MS,
  });
  await ship(c1, c1.t0 + DAY_MS);
  await run(c1.t0 + 3 * DAY_MS, person('buyer.smith'), {
    type: 'confirm_receipt',
    orderId: c1.orderId,
  });
  const chat = await storeEvidence(
    db,
    {
      name: 'appraisal.txt',
      mime: 'text/plain',
      content: Buffer.from('Appraiser: the signatures are printed facsimiles, not ink.\n'),
    },
    person('buyer.smith').userId,
    endMs - 2 * DAY_MS,
  );
  await run(endMs - 2 * DAY_MS, person('buyer.smith'), {
    type: 'file_claim',
    orderId: c1.orderId,
    claimId: 'demo-claim-1',
    amountFen: 420_000,
    reason: 'Letters are reproductions, sold as originals',
    evidence: [chat],
  });

  const c2 = await order({
    merchant: 1,
    buyer: 'buyer.zhang',
    title: '二手相机',
    amountFen: 260_000,
    ageMs: 30 * DAY_MS,
  });
  await ship(c2, c2.t0 + DAY_MS);
  await run(c2.t0 + 5 * DAY_MS, person('buyer.zhang'), {
    type: 'confirm_receipt',
    orderId: c2.orderId,
  });
  await run(endMs - 2 * DAY_MS, person('buyer.zhang'), {
    type: 'file_claim',
    orderId: c2.orderId,
    claimId: 'demo-claim-2',
    amountFen: 260_000,
    reason: '收到的是模型机',
    evidence: [],
  });
  await run(endMs - DAY_MS, person('agent.li'), {
    type: 'request_seller_evidence',
    orderId: c2.orderId,
    claimId: 'demo-claim-2',
  });

  const c3 = await order({
    merchant: 0,
    buyer: 'buyer.chen',
    title: '大红袍礼盒',
    amountFen: 88_000,
    ageMs: 40 * DAY_MS,
  });
  await ship(c3, c3.t0 + DAY_MS);
  await run(c3.t0 + 4 * DAY_MS, person('buyer.chen'), {
    type: 'confirm_receipt',
    orderId: c3.orderId,
  });
  await run(c3.t0 + 10 * DAY_MS, person('buyer.chen'), {
    type: 'file_claim',
    orderId: c3.orderId,
    claimId: 'demo-claim-3',
    amountFen: 88_000,
    reason: '盒内是普通茶叶',
    evidence: [],
  });
  await run(c3.t0 + 11 * DAY_MS, person('agent.kim'), {
    type: 'request_seller_evidence',
    orderId: c3.orderId,
    claimId: 'demo-claim-3',
  });
  await run(c3.t0 + 12 * DAY_MS, person('staff1'), {
    type: 'submit_seller_evidence',
    orderId: c3.orderId,
    claimId: 'demo-claim-3',
    note: '无法提供进货凭证',
    evidence: [],
  });
  await run(c3.t0 + 13 * DAY_MS, person('agent.kim'), {
    type: 'decide_claim',
    orderId: c3.orderId,
    claimId: 'demo-claim-3',
    decision: 'approve',
    reasonCode: 'counterfeit',
    note: 'Seller could not show provenance',
  });

  const c4 = await order({
    merchant: 3,
    buyer: 'buyer.zhang',
    title: 'Antique atlas',
    amountFen: 900_000,
    ageMs: 35 * DAY_MS,
  });
  await ship(c4, c4.t0 + DAY_MS);
  await run(c4.t0 + 4 * DAY_MS, person('buyer.zhang'), {
    type: 'confirm_receipt',
    orderId: c4.orderId,
  });
  await run(endMs - 4 * DAY_MS, person('buyer.zhang'), {
    type: 'file_claim',
    orderId: c4.orderId,
    claimId: 'demo-claim-4',
    amountFen: 900_000,
    reason: 'Modern print, not 18th century',
    evidence: [],
  });
  await run(endMs - 4 * DAY_MS + HOUR_MS, person('agent.li'), {
    type: 'request_seller_evidence',
    orderId: c4.orderId,
    claimId: 'demo-claim-4',
  });
  await run(endMs - 3 * DAY_MS, person('staff4'), {
    type: 'submit_seller_evidence',
    orderId: c4.orderId,
    claimId: 'demo-claim-4',
    note: 'Bought at auction as original',
    evidence: [],
  });
  await run(endMs - 2 * DAY_MS, person('senior.zhao'), {
    type: 'decide_claim',
    orderId: c4.orderId,
    claimId: 'demo-claim-4',
    decision: 'approve',
    reasonCode: 'counterfeit',
    note: 'Paper is modern',
  });

  const c5 = await order({
    merchant: 2,
    buyer: 'buyer.smith',
    title: 'Tea set',
    amountFen: 66_000,
    ageMs: 30 * DAY_MS,
  });
  await ship(c5, c5.t0 + DAY_MS);
  await run(c5.t0 + 4 * DAY_MS, person('buyer.smith'), {
    type: 'confirm_receipt',
    orderId: c5.orderId,
  });
  await run(c5.t0 + 8 * DAY_MS, person('buyer.smith'), {
    type: 'file_claim',
    orderId: c5.orderId,
    claimId: 'demo-claim-5',
    amountFen: 66_000,
    reason: 'Not as described',
    evidence: [],
  });
  await run(c5.t0 + 9 * DAY_MS, person('agent.kim'), {
    type: 'decide_claim',
    orderId: c5.orderId,
    claimId: 'demo-claim-5',
    decision: 'reject',
    reasonCode: 'as_described',
    note: 'Photos match the listing',
  });

  // A morning's orders at the tea shop, paid and waiting for staff1 to ship: a demo seller
  // should find a real shipping queue (one a batch CSV can work through), not a single order.
  const morning: Array<[string, string, number, 'express' | 'virtual']> = [
    ['buyer.zhang', '碧螺春 礼盒 500g', 45_600, 'express'],
    ['buyer.chen', '紫砂壶 朱泥', 128_000, 'express'],
    ['buyer.smith', '茶道课程 兑换码', 19_900, 'virtual'],
    ['buyer.zhang', '安吉白茶 100g', 23_800, 'express'],
    ['buyer.chen', '青瓷盖碗', 36_500, 'express'],
  ];
  for (const [i, [buyer, title, amountFen, goodsKind]] of morning.entries())
    await order({ merchant: 0, buyer, title, amountFen, goodsKind, ageMs: (6 - i) * HOUR_MS });
  return true;
}
