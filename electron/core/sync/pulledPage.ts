import type { OrderState } from '../../../shared/escrow/types.ts';
import { chainLegs } from '../../../shared/ledger/chainLegs.ts';
import { parsePullResponse } from '../../../shared/sync/parsePullResponse.ts';
import type {
  RejectionChange,
  SyncedOrderEvent,
  SyncedTxn,
} from '../../../shared/sync/protocol.ts';
import { parseAnswer, unreadableAnswer } from '../../net/serverClient.ts';
import type { JournalRow } from '../replica/journalParts.ts';
import { lookupOrder } from '../replica/orderLookup.ts';

/**
 * A pull page decoded into the rows the replica writes: every order, journal row and timeline
 * entry as a flat tuple of the columns it is stored under, its JSON already serialised. A
 * bootstrap page is 2.7 MB of JSON; decoding it (parse, protocol check, the serialising) is
 * pure, so pageDecoder.ts runs it on a second thread while the core thread writes the page
 * before, and only these flat tuples cross back (a tenth of the cost of cloning the parsed
 * objects). The tuples follow the replica's INSERT parameters, so a store binds them as they are.
 */
export interface PulledPage {
  cookie: string;
  lastMutationId: number;
  more: boolean;
  /** How many changes the page held. */
  size: number;
  orders: OrderRow[];
  txns: TxnRow[];
  events: EventRow[];
  rejections: RejectionChange[];
}

/** A pull answer's body as it arrived: bytes from the network, or text (tests, the simulator). */
export type PullBody = string | Uint8Array;

export type OrderRow = [
  orderId: string,
  merchantId: string,
  status: string,
  version: number,
  createdAt: number,
  stateJson: string,
  // What the order lookup shows of it (orderLookup.ts lookupOrder).
  buyerId: string,
  amountFen: number,
  title: string,
  trackingNo: string,
  shipByAt: number | null,
  refundDueAt: number | null,
];

export type TxnRow = [
  ...journal: JournalRow,
  /** The legs again, flat (account, fen, account, fen…): what the balances move by. */
  moves: Array<string | number>,
];

export type EventRow = [
  orderId: string,
  version: number,
  type: string,
  at: number,
  commandId: string,
  actorRole: string,
  actorUser: string,
  eventJson: string,
];

export function orderRow(order: OrderState): OrderRow {
  const shown = lookupOrder(order);
  return [
    order.orderId,
    order.merchantId,
    order.status,
    order.version,
    order.createdAt,
    JSON.stringify(order),
    order.buyerId,
    order.amountFen,
    shown.title,
    shown.trackingNo,
    shown.shipByAt,
    shown.refundDueAt,
  ];
}

export function txnRow(txn: SyncedTxn): TxnRow {
  const moves: Array<string | number> = [];
  for (const leg of txn.legs) moves.push(leg.account, leg.amountFen);
  return [
    txn.shard,
    txn.seq,
    txn.txnId,
    txn.commandId,
    txn.kind,
    txn.at,
    txn.currency,
    txn.orderId,
    chainLegs(txn.legs),
    txn.prevHash,
    txn.hash,
    moves,
  ];
}

export function eventRow(e: SyncedOrderEvent): EventRow {
  return [
    e.orderId,
    e.version,
    e.type,
    e.at,
    e.commandId,
    e.actor.role,
    e.actor.userId,
    JSON.stringify(e.event),
  ];
}

/**
 * A pull answer's body, checked (shared parsePullResponse) and turned into rows. Anything that
 * is not such an answer is a transient failure, as every garbled answer is (serverClient.ts):
 * the pull is asked again and nothing is stored.
 */
export function decodePullBody(body: PullBody): PulledPage {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  } catch {
    throw unreadableAnswer(200);
  }
  const page = parseAnswer(() => parsePullResponse(json));
  const decoded: PulledPage = {
    cookie: page.cookie,
    lastMutationId: page.lastMutationId,
    more: page.more,
    size: page.changes.length,
    orders: [],
    txns: [],
    events: [],
    rejections: [],
  };
  for (const change of page.changes) {
    if (change.kind === 'order') decoded.orders.push(orderRow(change.order));
    else if (change.kind === 'ledger_txn') decoded.txns.push(txnRow(change.txn));
    else if (change.kind === 'order_event') decoded.events.push(eventRow(change.entry));
    else decoded.rejections.push(change);
  }
  return decoded;
}
