import { allowedCommands } from '../../../shared/escrow/allowedCommands.ts';
import { deadlines } from '../../../shared/escrow/deadlines.ts';
import type { DeadlineKind } from '../../../shared/escrow/deadlines.ts';
import { openRefund } from '../../../shared/escrow/openItems.ts';
import type {
  Actor,
  EscrowCommandType,
  OrderState,
  OrderStatus,
  RefundState,
} from '../../../shared/escrow/types.ts';
import type { Currency } from '../../../shared/money.ts';
import { normalizeTrackingNo, trackingProblem } from '../../../shared/shipping/carriers.ts';
import type { Db } from '../store/openDatabase.ts';
import type { Recipient } from '../../../shared/shipping/recipient.ts';

/**
 * Read models behind the seller desk's lists (issue 6): order search over the replica's FTS5
 * index (migration 0001), the shipping and refund queues, the merchant's ledger and its history, and
 * the check of a batch of shipments before anything is applied. Deadlines and possible actions
 * are computed here with the shared rules, so a list row and the order it opens never disagree.
 */

export type OrderQueue = 'awaiting_shipment' | 'open_refunds';

export interface OrderSearchQuery {
  merchantId?: string;
  text?: string;
  status?: OrderStatus;
  fromMs?: number;
  toMs?: number;
  queue?: OrderQueue;
  offset: number;
  limit: number;
}

export interface OrderRow {
  orderId: string;
  buyerId: string;
  title: string;
  quantity: number;
  status: OrderStatus;
  goodsKind: OrderState['goodsKind'];
  currency: Currency;
  amountFen: number;
  createdAt: number;
  carrier: string | null;
  trackingNo: string | null;
  /** As the server let this user see it (masked for seller staff). */
  recipient: Recipient | null;
  /** The deadline that matters now (the earliest), or null. */
  deadline: { kind: DeadlineKind; at: number; moneyMoves: boolean } | null;
  autoConfirmPaused: boolean;
  refund: Pick<
    RefundState,
    'refundId' | 'kind' | 'amountFen' | 'reason' | 'status' | 'dueAt'
  > | null;
  /** What this actor may do now, by the shared rules. */
  allowed: EscrowCommandType[];
  version: number;
  /** True while this desk has mutations on the order the server has not confirmed. */
  pendingSync: boolean;
}

export interface OrderSearchPage {
  total: number;
  /** `total` is a lower bound (SEARCH_COUNT_CAP): see the contract's `orders.search`. */
  totalCapped: boolean;
  /** How many of the matching orders carry unconfirmed mutations of this desk. */
  pendingTotal: number;
  rows: OrderRow[];
}

/** FTS5 trigram needs three characters; shorter text falls back to a substring scan. */
const MIN_TRIGRAM_CHARS = 3;

/**
 * A search text's matches are counted, and listed, up to this many. Counting every match of a
 * broad text is the costly part of a keystroke for a number nobody needs: a one- or
 * two-character text can only be matched by reading every order (~50 ms at 100,000 orders on
 * a two-core laptop), and "BENCH-" walks 100,000 trigram matches. With the cap the count
 * stops at the cap's worth of matches, and a broad text's page is found by walking the orders
 * in display order (see `broad` below).
 */
export const SEARCH_COUNT_CAP = 1000;

function ftsPhrase(text: string): string {
  // User text never reaches FTS5's query syntax: one quoted phrase, NULs (which end a string
  // in the FTS parser) dropped; the contract refuses them before this, this is the backstop.
  return `"${text.replaceAll(String.fromCharCode(0), '').replace(/"/g, '""')}"`;
}

export function toOrderRow(
  state: OrderState,
  actor: Actor,
  nowMs: number,
  pendingSync = false,
): OrderRow {
  const first = deadlines(state)[0];
  const refund = openRefund(state);
  return {
    orderId: state.orderId,
    buyerId: state.buyerId,
    title: state.item.title,
    quantity: state.item.quantity,
    status: state.status,
    goodsKind: state.goodsKind,
    currency: state.currency,
    amountFen: state.amountFen,
    createdAt: state.createdAt,
    carrier: state.shipment?.carrier ?? null,
    trackingNo: state.shipment?.trackingNo ?? null,
    recipient: state.recipient ?? null,
    deadline: first ? { kind: first.kind, at: first.at, moneyMoves: first.moneyMoves } : null,
    autoConfirmPaused: state.autoConfirmPausedAt !== null,
    refund: refund
      ? {
          refundId: refund.refundId,
          kind: refund.kind,
          amountFen: refund.amountFen,
          reason: refund.reason,
          status: refund.status,
          dueAt: refund.dueAt,
        }
      : null,
    allowed: allowedCommands(actor, state, nowMs),
    version: state.version,
    pendingSync,
  };
}

export interface LedgerQuery {
  merchantId: string;
  /** Which of the merchant's accounts; escrow = the escrow accounts of the merchant's orders. */
  scope: 'merchant' | 'escrow';
  kind?: string;
  fromMs?: number;
  toMs?: number;
  offset: number;
  limit: number;
}

export interface LedgerLine {
  seq: number;
  txnId: string;
  kind: string;
  at: number;
  orderId: string | null;
  account: string;
  currency: Currency;
  /** As stored: debit +, credit −. */
  signedFen: number;
}

export interface BalancePoint {
  /** Start of the day bucket (UTC ms). */
  at: number;
  /** Held in escrow for the merchant's orders at the end of the day. */
  heldFen: number;
  /** Released from escrow to the merchant during the day (before fees). */
  releasedFen: number;
}

export type ShipProblem =
  | 'unknown_carrier'
  | 'tracking_format'
  | 'tracking_check_digit'
  | 'order_not_found'
  | 'not_shippable'
  | 'duplicate_order'
  | 'duplicate_tracking'
  | 'tracking_in_use';

export interface ShipCheck {
  line: number;
  orderId: string;
  carrier: string;
  trackingNo: string;
  problems: ShipProblem[];
}

export interface SearchModels {
  searchOrders(query: OrderSearchQuery, actor: Actor, nowMs: number): OrderSearchPage;
  ledgerLines(query: LedgerQuery): { total: number; lines: LedgerLine[] };
  balanceHistory(merchantId: string, fromMs: number, toMs: number): BalancePoint[];
  checkShipments(
    rows: { line: number; orderId: string; carrier: string; trackingNo: string }[],
    actor: Actor,
    nowMs: number,
  ): ShipCheck[];
}

const DAY_MS = 86_400_000;

export function createSearchModels(db: Db): SearchModels {
  // What the desk shows for an order: its pending (provisional) state, else the server's.
  const src = {
    joins: `LEFT JOIN sync_orders s ON s.order_id = l.order_id
            LEFT JOIN sync_provisional_orders p ON p.order_id = l.order_id`,
    state: 'coalesce(p.state_json, s.state_json)',
    pending: 'coalesce(p.pending_count, 0) > 0',
  };
  // The server's journal as the replica holds it; legs are a JSON array per transaction.
  const j = {
    txns: 'sync_txns t',
    legs: 'JOIN json_each(t.legs_json) je',
    account: "json_extract(je.value, '$.account')",
    amount: "json_extract(je.value, '$.amountFen')",
    leg: 'je.key',
  };
  const stateOf = {
    get: (orderId: string) =>
      cached(
        `SELECT ${src.state} AS state_json FROM order_lookup l ${src.joins}
          WHERE l.order_id = ?`,
      ).get(orderId) as { state_json: string | null } | undefined,
  };
  const trackingOwner = db.prepare<[string], { order_id: string }>(
    "SELECT order_id FROM order_lookup WHERE tracking_no = ? AND tracking_no <> '' LIMIT 1",
  );
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const cached = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };

  return {
    searchOrders(query, actor, nowMs) {
      const where: string[] = [];
      const params: Record<string, unknown> = { offset: query.offset, limit: query.limit };
      if (query.merchantId !== undefined) {
        where.push('l.merchant_id = @merchantId');
        params.merchantId = query.merchantId;
      }
      if (query.status !== undefined) {
        where.push('l.status = @status');
        params.status = query.status;
      }
      if (query.fromMs !== undefined) {
        where.push('l.created_at >= @fromMs');
        params.fromMs = query.fromMs;
      }
      if (query.toMs !== undefined) {
        where.push('l.created_at < @toMs');
        params.toMs = query.toMs;
      }
      if (query.queue === 'awaiting_shipment') where.push('l.ship_by_at IS NOT NULL');
      if (query.queue === 'open_refunds') where.push('l.refund_due_at IS NOT NULL');
      const text = (query.text ?? '').trim();
      let fts = false;
      const capped = text !== '';
      if (capped) params.cap = SEARCH_COUNT_CAP;
      if (text !== '') {
        if ([...text].length >= MIN_TRIGRAM_CHARS) {
          fts = true;
          params.match = ftsPhrase(text);
        } else {
          where.push(
            // One substring test over the stored lower-cased fields (migration 0001).
            'instr(l.short_search, lower(@short)) > 0',
          );
          params.short = text;
        }
      }
      const order =
        query.queue === 'awaiting_shipment'
          ? 'l.ship_by_at, l.order_id'
          : query.queue === 'open_refunds'
            ? 'l.refund_due_at, l.order_id'
            : 'l.created_at DESC, l.order_id DESC';
      const whereSql = (extra: string[]) => {
        const all = [...where, ...extra];
        return all.length ? `WHERE ${all.join(' AND ')}` : '';
      };
      // The count walks the text matches and looks each order up by key, up to the cap.
      const counted = fts
        ? `SELECT 1 FROM order_fts f CROSS JOIN order_lookup l ON l.id = f.rowid
            ${whereSql(['order_fts MATCH @match'])}`
        : `SELECT 1 FROM order_lookup l ${whereSql([])}`;
      const total = cached(
        `SELECT count(*) AS n FROM (${counted}${capped ? ' LIMIT @cap + 1' : ''})`,
      ).get(params) as { n: number };
      const overCap = capped && total.n > SEARCH_COUNT_CAP;
      const shownTotal = overCap ? SEARCH_COUNT_CAP : total.n;
      // Pending orders are few: count them from the overlay's side, each checked against the
      // filter, instead of joining the overlay onto every match (100k of them for "SF").
      const pending = cached(
        `SELECT count(*) AS n FROM sync_provisional_orders p
           JOIN order_lookup l ON l.order_id = p.order_id
          ${whereSql([
            'p.pending_count > 0',
            ...(fts
              ? [
                  'EXISTS (SELECT 1 FROM order_fts f WHERE f.rowid = l.id AND order_fts MATCH @match)',
                ]
              : []),
          ])}`,
      ).get(params) as { n: number };
      // The page walks the orders in display order and stops after `limit` matches. A text
      // with few matches (at most the cap) gathers them from the trigram index first; a broad
      // one is tested order by order, which finds a page within a few hundred orders instead
      // of gathering 100,000 matches to keep 50.
      const broad = fts && overCap;
      const textFilter = !fts
        ? []
        : broad
          ? ['EXISTS (SELECT 1 FROM order_fts f WHERE f.rowid = l.id AND order_fts MATCH @match)']
          : ['l.id IN (SELECT rowid FROM order_fts WHERE order_fts MATCH @match)'];
      const rows = cached(
        `SELECT ${src.state} AS state_json, ${src.pending} AS pending
           FROM order_lookup l ${src.joins}
          ${whereSql(textFilter)}
          ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      ).all(params) as { state_json: string | null; pending: number }[];
      return {
        total: shownTotal,
        totalCapped: overCap,
        pendingTotal: pending.n,
        rows: rows
          .filter((r) => r.state_json !== null)
          .map((r) =>
            toOrderRow(JSON.parse(r.state_json!) as OrderState, actor, nowMs, r.pending === 1),
          ),
      };
    },

    ledgerLines(query) {
      const params: Record<string, unknown> = {
        merchantId: query.merchantId,
        lo: `merchant:${query.merchantId}:`,
        // ';' sorts right after ':', so [lo, hi) is every account under the merchant's prefix.
        hi: `merchant:${query.merchantId};`,
        offset: query.offset,
        limit: query.limit,
      };
      const where: string[] = [];
      if (query.kind !== undefined) {
        where.push('t.kind = @kind');
        params.kind = query.kind;
      }
      if (query.fromMs !== undefined) {
        where.push('t.at >= @fromMs');
        params.fromMs = query.fromMs;
      }
      if (query.toMs !== undefined) {
        where.push('t.at < @toMs');
        params.toMs = query.toMs;
      }
      const source =
        query.scope === 'merchant'
          ? `FROM ${j.txns} ${j.legs} WHERE ${j.account} >= @lo AND ${j.account} < @hi`
          : `FROM order_lookup l JOIN ${j.txns} ON t.order_id = l.order_id ${j.legs}
              WHERE ${j.account} = 'escrow:order:' || l.order_id AND l.merchant_id = @merchantId`;
      const filter = where.length ? ` AND ${where.join(' AND ')}` : '';
      const total = (cached(`SELECT count(*) AS n ${source}${filter}`).get(params) as { n: number })
        .n;
      const lines = (
        cached(
          `SELECT t.seq, t.txn_id, t.kind, t.at, t.order_id, t.currency,
                  ${j.account} AS account, ${j.amount} AS amount_fen
            ${source}${filter} ORDER BY t.seq DESC, ${j.leg} LIMIT @limit OFFSET @offset`,
        ).all(params) as {
          seq: number;
          txn_id: string;
          kind: string;
          at: number;
          order_id: string | null;
          currency: Currency;
          account: string;
          amount_fen: number;
        }[]
      ).map((r) => ({
        seq: r.seq,
        txnId: r.txn_id,
        kind: r.kind,
        at: r.at,
        orderId: r.order_id,
        account: r.account,
        currency: r.currency,
        signedFen: r.amount_fen,
      }));
      return { total, lines };
    },

    balanceHistory(merchantId, fromMs, toMs) {
      // Escrow accounts are liabilities (credit −): held = −(sum of escrow legs so far).
      const byDay = cached(
        `SELECT (t.at / ${DAY_MS}) * ${DAY_MS} AS day,
                -sum(${j.amount}) AS held_delta,
                sum(CASE WHEN t.kind IN ('escrow_release', 'escrow_split') AND ${j.amount} > 0
                         THEN ${j.amount} ELSE 0 END) AS released
           FROM order_lookup l JOIN ${j.txns} ON t.order_id = l.order_id ${j.legs}
          WHERE ${j.account} = 'escrow:order:' || l.order_id
            AND l.merchant_id = @merchantId AND t.at < @toMs
          GROUP BY day ORDER BY day`,
      ).all({ merchantId, toMs }) as { day: number; held_delta: number; released: number }[];
      const firstDay = Math.floor(fromMs / DAY_MS) * DAY_MS;
      const points: BalancePoint[] = [];
      let held = 0;
      let i = 0;
      for (const r of byDay) {
        if (r.day >= firstDay) break;
        held += r.held_delta;
        i++;
      }
      for (let day = firstDay; day < toMs; day += DAY_MS) {
        let released = 0;
        while (i < byDay.length && byDay[i]!.day === day) {
          held += byDay[i]!.held_delta;
          released += byDay[i]!.released;
          i++;
        }
        points.push({ at: day, heldFen: held, releasedFen: released });
      }
      return points;
    },

    checkShipments(rows, actor, nowMs) {
      const orderCount = new Map<string, number>();
      const trackingCount = new Map<string, number>();
      for (const r of rows) {
        orderCount.set(r.orderId, (orderCount.get(r.orderId) ?? 0) + 1);
        const t = normalizeTrackingNo(r.trackingNo);
        trackingCount.set(t, (trackingCount.get(t) ?? 0) + 1);
      }
      return rows.map((r) => {
        const trackingNo = normalizeTrackingNo(r.trackingNo);
        const carrier = r.carrier.trim().toLowerCase();
        const problems: ShipProblem[] = [];
        const format = trackingProblem(carrier, trackingNo);
        if (format) problems.push(format);
        if ((orderCount.get(r.orderId) ?? 0) > 1) problems.push('duplicate_order');
        if ((trackingCount.get(trackingNo) ?? 0) > 1) problems.push('duplicate_tracking');
        const owner = trackingNo ? trackingOwner.get(trackingNo) : undefined;
        if (owner && owner.order_id !== r.orderId) problems.push('tracking_in_use');
        const stored = stateOf.get(r.orderId);
        const state = stored?.state_json ? (JSON.parse(stored.state_json) as OrderState) : null;
        // Another merchant's order is reported exactly like a missing one.
        if (!state || (actor.merchantId !== undefined && state.merchantId !== actor.merchantId)) {
          problems.push('order_not_found');
        } else if (!allowedCommands(actor, state, nowMs).includes('ship')) {
          problems.push('not_shippable');
        }
        return { line: r.line, orderId: r.orderId, carrier, trackingNo, problems };
      });
    },
  };
}
