import { DeskError } from '../../shared/errors.ts';
import type { Actor, EscrowCommand, GoodsKind } from '../../shared/escrow/types.ts';
import { HOUR_MS } from '../../shared/time.ts';
import type { EscrowService } from '../core/escrow/escrowService.ts';

export const DEMO_MERCHANT_ID = 'm-1001';
const BUYER: Actor = { role: 'buyer', userId: 'b-2001' };
const BANK: Actor = { role: 'bank', userId: 'bank:icbc' };
const SELLER: Actor = { role: 'seller_staff', userId: 'u-seller-1', merchantId: DEMO_MERCHANT_ID };

interface DemoOrder {
  orderId: string;
  title: string;
  amountFen: number;
  goodsKind: GoodsKind;
  /** How far the order gets: created, paid, shipped, or paid with a refund request open. */
  stage: 'created' | 'paid' | 'shipped' | 'refund_requested';
}

const ORDERS: DemoOrder[] = [
  {
    orderId: 'DEMO-1001',
    title: '无线蓝牙耳机',
    amountFen: 29_900,
    goodsKind: 'express',
    stage: 'paid',
  },
  {
    orderId: 'DEMO-1002',
    title: '西湖龙井礼盒',
    amountFen: 58_800,
    goodsKind: 'surface',
    stage: 'paid',
  },
  {
    orderId: 'DEMO-1003',
    title: '会员充值卡',
    amountFen: 10_000,
    goodsKind: 'virtual',
    stage: 'paid',
  },
  {
    orderId: 'DEMO-1004',
    title: '机械键盘',
    amountFen: 45_900,
    goodsKind: 'express',
    stage: 'shipped',
  },
  {
    orderId: 'DEMO-1005',
    title: '手工陶瓷茶杯',
    amountFen: 12_800,
    goodsKind: 'express',
    stage: 'created',
  },
  {
    orderId: 'DEMO-1006',
    title: '羊毛围巾',
    amountFen: 19_900,
    goodsKind: 'express',
    stage: 'refund_requested',
  },
];

/**
 * Demo data for a desk running without a central server (`npm start` offline, the browser
 * tests): a few orders of merchant m-1001 in different states, the guarantee fund and the
 * seller's deposit. Only an empty database is seeded: the times are relative to the first
 * start, and a restarted worker must find the data as it was left, not seeded again.
 */
export function seedDemoData(service: EscrowService, nowMs: number): void {
  if (service.listOrders({ limit: 1 }).orders.length > 0) return;
  const must = (result: { ok: boolean; error?: { code: string; message: string } }) => {
    if (!result.ok) throw new DeskError('internal', `demo seed failed: ${result.error?.message}`);
  };
  must(
    service.fundGuaranteeFund(
      { txnId: 'seed-fund', bank: 'icbc', amountFen: 100_000_000 },
      nowMs - 48 * HOUR_MS,
    ),
  );
  must(
    service.recordMerchantDeposit(
      { txnId: 'seed-deposit', merchantId: DEMO_MERCHANT_ID, bank: 'icbc', amountFen: 1_000_000 },
      nowMs - 48 * HOUR_MS,
    ),
  );
  ORDERS.forEach((o, i) => {
    const t0 = nowMs - (24 - i) * HOUR_MS;
    const step = (n: number, actor: Actor, command: EscrowCommand, at: number) =>
      must(service.apply({ commandId: `seed-${o.orderId}-${n}`, actor, command }, at));
    step(
      1,
      BUYER,
      {
        type: 'create_order',
        orderId: o.orderId,
        merchantId: DEMO_MERCHANT_ID,
        buyerId: BUYER.userId,
        currency: 'CNY',
        amountFen: o.amountFen,
        feeBps: 60,
        goodsKind: o.goodsKind,
        item: { title: o.title, quantity: 1 },
      },
      t0,
    );
    if (o.stage === 'created') return;
    step(
      2,
      BANK,
      {
        type: 'confirm_payment',
        orderId: o.orderId,
        bank: 'icbc',
        bankRef: `ICBC-${o.orderId}`,
        currency: 'CNY',
        amountFen: o.amountFen,
      },
      t0 + HOUR_MS,
    );
    if (o.stage === 'shipped') {
      step(
        3,
        SELLER,
        {
          type: 'ship',
          orderId: o.orderId,
          carrier: 'sf',
          trackingNo: `SF${o.orderId.slice(5)}00000001`,
        },
        t0 + 2 * HOUR_MS,
      );
    }
    if (o.stage === 'refund_requested') {
      step(
        3,
        BUYER,
        {
          type: 'request_refund',
          orderId: o.orderId,
          refundId: `R-${o.orderId}`,
          kind: 'refund_only',
          amountFen: o.amountFen,
          reason: '不想要了',
        },
        t0 + 2 * HOUR_MS,
      );
    }
  });
}
