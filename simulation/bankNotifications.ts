import { signNotification, SIGNATURE_HEADER } from '../server/bank/notificationSignature.ts';
import type { BankKey, BankKeyring } from '../server/bank/bankKeys.ts';
import type { Action } from './schedule.ts';
import { http, serverOrders, SimFailure } from './world.ts';
import type { World } from './world.ts';

const REPLAY_WINDOW_MS = 5 * 60_000;

/**
 * The simulated bank's key. Fixed (not random) so a seed replays byte for byte; it exists only
 * in the simulator, which builds its own server with it (there is no default key in the server).
 */
export const SIM_ICBC_KEY: BankKey = {
  kid: 'sim-1',
  secret: 'simulation-only-icbc-key-0123456789abcdef',
};
export const SIM_BANK_KEYS: BankKeyring = { icbc: [SIM_ICBC_KEY] };
export const FORGED_KEY: BankKey = {
  kid: 'sim-1',
  secret: 'not-the-secret-0123456789abcdefghijklmn',
};

/**
 * The partner bank: signed payment notifications, sometimes repeated, late (signed long ago),
 * forged (wrong secret) or for the wrong amount. The model counts a payment in once, when the
 * server first accepts it; the bank account must always hold exactly what the model says.
 */
export async function bankNotify(
  world: World,
  a: Extract<Action, { kind: 'bank_notify' }>,
): Promise<string> {
  const now = world.server.clock.now();
  if (a.variant === 'duplicate' && world.sentNotifications.length > 0) {
    const sent =
      world.sentNotifications[Math.floor(a.pick * world.sentNotifications.length)] ??
      world.sentNotifications[0];
    if (!sent) return 'nothing to repeat';
    return deliver(world, sent.body, sent.orderId, now, SIM_ICBC_KEY, 'dup');
  }
  // Mostly unpaid orders; sometimes any order (a late notification for a closed or paid one).
  const unpaid = await serverOrders(world, "status = 'awaiting_payment'");
  const any = unpaid.length > 0 && a.pick < 0.85 ? unpaid : await serverOrders(world);
  if (any.length === 0) return 'no order';
  const s = any[Math.floor(((a.pick * 7919) % 1) * any.length)] ?? any[0];
  if (!s) return 'no order';
  const body = JSON.stringify({
    notificationId: `n-${world.uuid()}`,
    bank: 'icbc',
    orderId: s.orderId,
    bankRef: `ICBC${world.sentNotifications.length + 1}`,
    currency: 'CNY',
    amountFen: a.variant === 'wrong_amount' ? s.amountFen + 1 : s.amountFen,
  });
  const secret = SIM_ICBC_KEY;
  if (a.variant === 'forged') return deliver(world, body, s.orderId, now, FORGED_KEY, a.variant);
  if (a.variant === 'late')
    return deliver(world, body, s.orderId, now - REPLAY_WINDOW_MS - 60_000, secret, a.variant);
  world.sentNotifications.push({ body, orderId: s.orderId });
  return deliver(world, body, s.orderId, now, secret, a.variant);
}

async function deliver(
  world: World,
  body: string,
  orderId: string,
  signedAt: number,
  secret: BankKey,
  variant: string,
): Promise<string> {
  const res = await http(world, {
    method: 'POST',
    url: '/v1/bank/notifications',
    headers: { [SIGNATURE_HEADER]: signNotification(secret, body, signedAt) },
    body,
  });
  const mustRefuse = variant === 'forged' || variant === 'late';
  if (mustRefuse && res.status !== 401)
    throw new SimFailure('bank_signature', `${variant} notification answered ${res.status}`, [
      orderId,
    ]);
  if (res.status === 200) {
    const r = res.body as { duplicate?: boolean };
    const amountFen = (JSON.parse(body) as { amountFen: number }).amountFen;
    if (!r.duplicate) {
      if (world.paid.has(orderId))
        throw new SimFailure('paid_once', `order ${orderId} credited a second time`, [orderId]);
      world.paid.set(orderId, amountFen);
    } else if (!world.paid.has(orderId)) {
      throw new SimFailure('paid_once', `a repeat for unpaid ${orderId} was called duplicate`, [
        orderId,
      ]);
    }
  }
  return `${variant} ${orderId} ${res.status}${res.code ? ` ${res.code}` : ''}`;
}
