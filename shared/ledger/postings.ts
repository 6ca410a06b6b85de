import type { EscrowEvent, OrderState } from '../escrow/types.ts';
import type { Fen } from '../money.ts';
import { account } from './accounts.ts';
import { shardOf } from './shards.ts';
import type { Leg, PostingRequest } from './types.ts';

/** The events that move money: the cases of postingFor's switch. */
const MONEY_EVENTS: ReadonlySet<EscrowEvent['type']> = new Set([
  'payment_confirmed',
  'escrow_resolved',
  'compensation_paid',
]);

/** Whether postingFor has legs for this event. */
export const movesMoney = (event: EscrowEvent): boolean => MONEY_EVENTS.has(event.type);

/**
 * The money legs an escrow event implies, as DESIGN.md's postings table says. Pure: the desk's
 * store and the server's both post exactly these. `order` is the state *before* the event.
 * Events that move no money yield null.
 */
export function postingFor(
  event: EscrowEvent,
  order: OrderState,
  ids: { txnId: string; commandId: string },
): PostingRequest | null {
  // Most events move no money; they return before the shard and account names are built
  // (a tenth of an overlay rebuild's time when they were built for every event).
  if (!MONEY_EVENTS.has(event.type)) return null;
  const base = {
    ...ids,
    shard: shardOf(order.merchantId),
    at: event.at,
    currency: order.currency,
    orderId: order.orderId,
  };
  const escrow = account.escrow(order.orderId);
  switch (event.type) {
    case 'payment_confirmed':
      return {
        ...base,
        kind: 'payment_confirmed',
        holdsEscrowOf: order.orderId,
        legs: [
          { account: account.bank(event.bank), amountFen: event.amountFen },
          { account: escrow, amountFen: -event.amountFen },
        ],
      };
    case 'escrow_resolved': {
      const legs: Leg[] = [
        { account: escrow, amountFen: event.toBuyerFen + event.toMerchantFen + event.feeFen },
      ];
      if (event.toBuyerFen > 0)
        legs.push({
          account: account.buyerRefundable(order.buyerId),
          amountFen: -event.toBuyerFen,
        });
      if (event.toMerchantFen > 0)
        legs.push({
          account: account.merchantAvailable(order.merchantId),
          amountFen: -event.toMerchantFen,
        });
      if (event.feeFen > 0) legs.push({ account: account.fees(), amountFen: -event.feeFen });
      const kind =
        event.resolution === 'release'
          ? 'escrow_release'
          : event.resolution === 'refund'
            ? 'escrow_refund'
            : 'escrow_split';
      return { ...base, kind, resolvesEscrowOf: order.orderId, legs };
    }
    case 'compensation_paid':
      return {
        ...base,
        kind: 'compensation',
        paysClaim: event.claimId,
        legs: [
          { account: account.guaranteeFund(), amountFen: event.amountFen },
          { account: account.buyerRefundable(order.buyerId), amountFen: -event.amountFen },
        ],
      };
    default:
      return null;
  }
}

/**
 * Recovery of a compensation from the seller: first the security deposit, then the available
 * balance, never more than either holds. What cannot be recovered stays with the guarantee
 * fund (that is what the fund is for) and is reported as the shortfall.
 */
export function recoveryLegs(
  merchantId: string,
  amountFen: Fen,
  balances: { depositFen: Fen; availableFen: Fen },
): { legs: Leg[]; recoveredFen: Fen; shortfallFen: Fen } {
  const fromDeposit = Math.min(amountFen, Math.max(0, balances.depositFen));
  const fromAvailable = Math.min(amountFen - fromDeposit, Math.max(0, balances.availableFen));
  const recoveredFen = fromDeposit + fromAvailable;
  const legs: Leg[] = [];
  if (fromDeposit > 0)
    legs.push({ account: account.merchantDeposit(merchantId), amountFen: fromDeposit });
  if (fromAvailable > 0)
    legs.push({ account: account.merchantAvailable(merchantId), amountFen: fromAvailable });
  if (recoveredFen > 0) legs.push({ account: account.guaranteeFund(), amountFen: -recoveredFen });
  return { legs, recoveredFen, shortfallFen: amountFen - recoveredFen };
}
