import { orderStatusField } from '../contract/fields.ts';
import { DeskError } from '../errors.ts';
import type { OrderState } from '../escrow/types.ts';
import { isCurrency } from '../money.ts';
import { rejectionChangeSchema } from './protocol.ts';
import type { Change, PullResponse, SyncedOrderEvent, SyncedTxn } from './protocol.ts';
import { isShard } from '../ledger/shards.ts';

/**
 * Parses a pull answer. The envelope and rejections go through the zod schemas; orders, journal
 * rows and timeline entries, which a bootstrap brings by the hundred thousand, get a structural
 * check of the fields the desk stores, indexes and sums instead of a full schema walk (measured
 * at ~100 µs an order, which alone would blow the bootstrap budget; timeline entries through
 * `orderEventChangeSchema` were a fifth of applying a bootstrap page). Journal rows must balance, so a corrupt
 * row can never move the replica's balances. Anything odd throws `invalid_input`.
 */
const HASH = /^[0-9a-f]{64}$/;
const STATUSES = new Set<string>(orderStatusField.options);

function bad(message: string): never {
  throw new DeskError('invalid_input', `pull answer: ${message}`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown, max = 200): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;
/** As `z.string().max(max)`: the empty string passes. */
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkOrder(o: unknown): OrderState {
  if (typeof o !== 'object' || o === null) bad('order is not an object');
  const s = o as Record<string, unknown>;
  if (!isStr(s.orderId, 80) || !isStr(s.merchantId, 80) || !isStr(s.buyerId, 80))
    bad('order ids missing');
  if (typeof s.status !== 'string' || !STATUSES.has(s.status)) bad(`order ${s.orderId} status`);
  if (!isCurrency(s.currency)) bad(`order ${s.orderId} currency`);
  for (const k of [
    'version',
    'createdAt',
    'amountFen',
    'heldFen',
    'releasedFen',
    'feeFen',
    'refundedFen',
    'compensatedFen',
  ]) {
    if (!isInt(s[k]) || (s[k] as number) < 0) bad(`order ${s.orderId} ${k}`);
  }
  if (!Array.isArray(s.refunds) || !Array.isArray(s.claims)) bad(`order ${s.orderId} lists`);
  return o as OrderState;
}

function checkTxn(t: unknown): SyncedTxn {
  if (typeof t !== 'object' || t === null) bad('ledger_txn is not an object');
  const x = t as Record<string, unknown>;
  if (!isShard(x.shard)) bad('txn shard');
  if (!isInt(x.seq) || x.seq < 1) bad('txn seq');
  if (!isStr(x.txnId, 100) || !isStr(x.kind, 40) || !isInt(x.at)) bad(`txn ${x.seq} fields`);
  if (!isCurrency(x.currency)) bad(`txn ${x.seq} currency`);
  if (x.orderId !== null && !isStr(x.orderId, 80)) bad(`txn ${x.seq} orderId`);
  if (!isStr(x.commandId, 100)) bad(`txn ${x.seq} commandId`);
  if (typeof x.prevHash !== 'string' || !HASH.test(x.prevHash)) bad(`txn ${x.seq} prevHash`);
  if (typeof x.hash !== 'string' || !HASH.test(x.hash)) bad(`txn ${x.seq} hash`);
  if (!Array.isArray(x.legs) || x.legs.length < 2) bad(`txn ${x.seq} legs`);
  let sum = 0;
  for (const leg of x.legs as unknown[]) {
    const l = leg as Record<string, unknown> | null;
    if (!l || !isStr(l.account) || !isInt(l.amountFen) || l.amountFen === 0)
      bad(`txn ${x.seq} leg`);
    sum += l.amountFen as number;
    // Past 2^53 a float sum rounds, and legs that do not balance could sum to zero.
    if (!Number.isSafeInteger(sum)) bad(`txn ${x.seq} does not balance`);
  }
  if (sum !== 0) bad(`txn ${x.seq} does not balance`);
  return t as SyncedTxn;
}

/** The same bounds as `syncedOrderEventSchema`, without its per-field walk. */
function checkEvent(e: unknown): SyncedOrderEvent {
  if (!isObject(e)) bad('order_event entry is not an object');
  const { orderId, version, type, at, commandId, actor, event } = e;
  if (!isText(orderId, 80) || !isInt(version) || version < 1) bad('order_event ids');
  if (!isText(type, 60) || !isInt(at) || at < 0 || !isText(commandId, 100))
    bad(`order_event ${orderId} fields`);
  if (!isObject(actor) || !isText(actor.role, 40) || !isText(actor.userId, 200))
    bad(`order_event ${orderId} actor`);
  if (!isObject(event)) bad(`order_event ${orderId} event`);
  return {
    orderId,
    version,
    type,
    at,
    commandId,
    actor: { role: actor.role, userId: actor.userId },
    event,
  };
}

export function parsePullResponse(value: unknown): PullResponse {
  if (typeof value !== 'object' || value === null) bad('not an object');
  const v = value as Record<string, unknown>;
  if (!isStr(v.cookie, 300)) bad('cookie');
  if (!isInt(v.lastMutationId) || v.lastMutationId < 0) bad('lastMutationId');
  if (typeof v.more !== 'boolean') bad('more');
  if (!Array.isArray(v.changes)) bad('changes');
  const changes: Change[] = [];
  for (const c of v.changes as unknown[]) {
    const kind = (c as { kind?: unknown } | null)?.kind;
    if (kind === 'order')
      changes.push({ kind, order: checkOrder((c as { order: unknown }).order) });
    else if (kind === 'ledger_txn')
      changes.push({ kind, txn: checkTxn((c as { txn: unknown }).txn) });
    else if (kind === 'order_event')
      changes.push({ kind, entry: checkEvent((c as { entry: unknown }).entry) });
    else if (kind === 'rejection') {
      const r = rejectionChangeSchema.safeParse(c);
      if (!r.success) bad('rejection change');
      changes.push(r.data);
    } else bad(`unknown change kind ${String(kind)}`);
  }
  return { cookie: v.cookie, lastMutationId: v.lastMutationId, more: v.more, changes };
}
