import { randomUUID } from 'node:crypto';
import { signNotification } from '../../server/bank/notificationSignature.ts';
import { demoAccount } from '../shell/deskHostFixture.ts';
import { ICBC_KEY } from '../server/testServer.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

/**
 * A demo buyer and the bank, over the central API's HTTP routes (as a buyer's app and the bank
 * reach it): order from a merchant, pay, ask for a refund. Used by desk tests and benches that
 * need fresh paid orders and refund requests on the demo server of `startDemoServer`.
 */
export interface DemoBuyer {
  buyerId: string;
  /** Creates an order at the merchant and pays it through a signed bank notification. */
  paidOrder(opts: { merchantId: string; amountFen: number; title?: string }): Promise<string>;
  createOrder(opts: { merchantId: string; amountFen: number; title?: string }): Promise<string>;
  /** The bank's signed notification that the buyer paid `orderId`. */
  pay(orderId: string, amountFen: number): Promise<void>;
  requestRefund(
    orderId: string,
    opts: {
      amountFen: number;
      reason: string;
      kind?: 'refund_only' | 'return_and_refund';
      /** Hashes of the buyer's uploads (`upload`). */
      photos?: string[];
    },
  ): Promise<string>;
  /** Uploads one file as the buyer's evidence; returns its hash. */
  upload(name: string, content: Buffer, type: string): Promise<string>;
  /** Asks the platform to step in on a refused refund. */
  escalate(orderId: string, refundId: string): Promise<void>;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<Record<string, unknown>> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${r.status} ${url}: ${JSON.stringify(json)}`);
  return json;
}

export async function demoBuyer(serverUrl: string, username = 'buyer.zhang'): Promise<DemoBuyer> {
  const login = await post(
    `${serverUrl}/v1/auth/login`,
    JSON.stringify({ username, password: demoAccount(username).password }),
    {},
  );
  const auth = { authorization: `Bearer ${String(login.token)}` };
  const buyerId = String((login.user as { userId: string }).userId);
  const buyer: DemoBuyer = {
    buyerId,
    async createOrder({ merchantId, amountFen, title }) {
      const created = await post(
        `${serverUrl}/v1/orders`,
        JSON.stringify({
          merchantId,
          currency: 'CNY',
          amountFen,
          goodsKind: 'express',
          recipient: TEST_RECIPIENT,
          item: { title: title ?? '明前龙井 100g', quantity: 1 },
        }),
        auth,
      );
      return (created.order as { orderId: string }).orderId;
    },
    async pay(orderId, amountFen) {
      const notice = JSON.stringify({
        notificationId: randomUUID(),
        bank: 'icbc',
        orderId,
        bankRef: `ICBC-${randomUUID().slice(0, 8)}`,
        currency: 'CNY',
        amountFen,
      });
      await post(`${serverUrl}/v1/bank/notifications`, notice, {
        'x-bank-signature': signNotification(ICBC_KEY, notice, Date.now()),
      });
    },
    async paidOrder(opts) {
      const orderId = await buyer.createOrder(opts);
      await buyer.pay(orderId, opts.amountFen);
      return orderId;
    },
    async requestRefund(orderId, { amountFen, reason, kind, photos }) {
      const r = await post(
        `${serverUrl}/v1/orders/${orderId}/refunds`,
        JSON.stringify({
          kind: kind ?? 'refund_only',
          amountFen,
          reason,
          ...(photos ? { photos } : {}),
        }),
        auth,
      );
      const refunds = (r.order as { refunds: { refundId: string }[] }).refunds;
      return refunds[refunds.length - 1]!.refundId;
    },
    async upload(name, content, type) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(content)], { type }), name);
      const r = await fetch(`${serverUrl}/v1/evidence`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      const json = (await r.json()) as { evidence: { sha256: string } };
      if (r.status !== 201) throw new Error(`upload ${name}: ${JSON.stringify(json)}`);
      return json.evidence.sha256;
    },
    async escalate(orderId, refundId) {
      await post(`${serverUrl}/v1/orders/${orderId}/refunds/${refundId}/escalate`, '{}', auth);
    },
  };
  return buyer;
}
