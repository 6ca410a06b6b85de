import { allowedCommands } from '../../../shared/escrow/allowedCommands.ts';
import { deadlines } from '../../../shared/escrow/deadlines.ts';
import type { DeadlineKind } from '../../../shared/escrow/deadlines.ts';
import { openRefund } from '../../../shared/escrow/openItems.ts';
import type {
  Actor,
  EscrowCommandType,
  EvidenceRef,
  OrderFlag,
  OrderState,
  OrderStatus,
  RefundState,
} from '../../../shared/escrow/types.ts';
import type { Currency } from '../../../shared/money.ts';
import { normalizeTrackingNo, trackingProblem } from '../../../shared/shipping/carriers.ts';
import { ESCROW_STATEMENT_ACCOUNT } from '../../../shared/ledger/statementAccount.ts';
import { localDayStart, nextLocalDayStart } from '../../../shared/merchantTime.ts';
import type { Db } from '../store/openDatabase.ts';
import { displayedStateSql } from '../sync/overlayPatch.ts';
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
  /** The list's order (queues keep their deadline order); newest first by default. */
  sort?: { key: OrderSortKey; dir: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

export type OrderSortKey = 'created' | 'orderId' | 'buyer' | 'amount' | 'status';

/** Sortable columns as order_lookup holds them (constants, never user text). */
const SORT_COLUMNS: Record<OrderSortKey, string> = {
  created: 'l.created_at',
  orderId: 'l.order_id',
  buyer: 'l.buyer_id',
  amount: 'l.amount_fen',
  status: 'l.status',
};

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
  /** The seller's note and flag (备注/旗帜), '' and null when none. */
  sellerNote: string;
  flag: OrderFlag | null;
  refund:
    | (Pick<RefundState, 'refundId' | 'kind' | 'amountFen' | 'reason' | 'status' | 'dueAt'> & {
        /** The buyer's photos as references; the files themselves stay on the server. */
        photos: EvidenceRef[];
      })
    | null;
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
 * stops at the cap's worth of matches.
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
    sellerNote: state.sellerNote ?? '',
    flag: state.flag ?? null,
    refund: refund
      ? {
          refundId: refund.refundId,
          kind: refund.kind,
          amountFen: refund.amountFen,
          reason: refund.reason,
          status: refund.status,
          dueAt: refund.dueAt,
          photos: refund.buyerEvidence ?? [],
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

/**
 * One account's (or, for the escrow scope, all the merchant's escrow accounts') statement over
 * a period: opening + movement = closing, all signed as stored (debit +, credit −).
 */
export interface LedgerStatementRow {
  /** The account, or `escrow:order:*` for the merchant's escrow accounts together. */
  account: string;
  currency: Currency;
  openingFen: number;
  movementFen: number;
  closingFen: number;
}

export interface BalancePoint {
  /** Start of the merchant's local day (ms). */
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
  /**
   * How many orders match the filters in each status (the status filter itself aside). With a
   * search text only the first SEARCH_COUNT_CAP matches are counted; `capped` says there are
   * more, so each count is then a lower bound.
   */
  orderCounts(query: Omit<OrderSearchQuery, 'status' | 'offset' | 'limit' | 'sort'>): {
    byStatus: Partial<Record<OrderStatus, number>>;
    capped: boolean;
  };
  ledgerLines(query: LedgerQuery): { total: number; lines: LedgerLine[] };
  ledgerStatement(
    query: Pick<LedgerQuery, 'merchantId' | 'scope' | 'fromMs' | 'toMs'>,
  ): LedgerStatementRow[];
  /** Held vs released per local day of `timeZone` (the merchant's), from `fromMs`'s day. */
  balanceHistory(
    merchantId: string,
    fromMs: number,
    toMs: number,
    timeZone: string,
  ): BalancePoint[];
  checkShipments(
    rows: { line: number; orderId: string; carrier: string; trackingNo: string }[],
    actor: Actor,
    nowMs: number,
  ): ShipCheck[];
}

/**
 * The history sums the journal in quarter hours, then folds those into local days: every zone's
 * midnight falls on a quarter hour, so the buckets never straddle two days.
 */
const BUCKET_MS = 900_000;

export function createSearchModels(db: Db): SearchModels {
  // What the desk shows for an order: its pending (provisional) state, else the server's.
  const src = {
    joins: `LEFT JOIN sync_orders s ON s.order_id = l.order_id
            LEFT JOIN sync_provisional_orders p ON p.order_id = l.order_id`,
    state: displayedStateSql('s', 'p'),
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
  /** The journal legs of a ledger scope, as a FROM … WHERE to extend with AND. */
  const ledgerSource = (scope: LedgerQuery['scope']) =>
    scope === 'merchant'
      ? `FROM ${j.txns} ${j.legs} WHERE ${j.account} >= @lo AND ${j.account} < @hi`
      : `FROM order_lookup l JOIN ${j.txns} ON t.order_id = l.order_id ${j.legs}
          WHERE ${j.account} = 'escrow:order:' || l.order_id AND l.merchant_id = @merchantId`;
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

  // A search text's trigram match, as the set of matching rows (the list's pages) or tested
  // row by row (only for the few overlaid orders).
  const ftsMatchSet = 'l.id IN (SELECT rowid FROM order_fts WHERE order_fts MATCH @match)';
  const ftsRowMatches =
    'EXISTS (SELECT 1 FROM order_fts f WHERE f.rowid = l.id AND order_fts MATCH @match)';

  /** The WHERE parts and parameters of an order search's filters. */
  function orderFilter(
    query: Omit<OrderSearchQuery, 'offset' | 'limit' | 'sort'>,
    status: OrderStatus | undefined,
  ): { where: string[]; params: Record<string, unknown>; fts: boolean } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.merchantId !== undefined) {
      where.push('l.merchant_id = @merchantId');
      params.merchantId = query.merchantId;
    }
    if (status !== undefined) {
      where.push('l.status = @status');
      params.status = status;
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
    return { where, params, fts };
  }

  return {
    searchOrders(query, actor, nowMs) {
      const { where, params, fts } = orderFilter(query, query.status);
      params.offset = query.offset;
      params.limit = query.limit;
      const order =
        query.queue === 'awaiting_shipment'
          ? 'l.ship_by_at, l.order_id'
          : query.queue === 'open_refunds'
            ? 'l.refund_due_at, l.order_id'
            : query.sort
              ? `${SORT_COLUMNS[query.sort.key]} ${query.sort.dir === 'asc' ? 'ASC' : 'DESC'}, l.order_id ${query.sort.dir === 'asc' ? 'ASC' : 'DESC'}`
              : 'l.created_at DESC, l.order_id DESC';
      const whereSql = (extra: string[]) => {
        const all = [...where, ...extra];
        return all.length ? `WHERE ${all.join(' AND ')}` : '';
      };
      // The count walks the text matches and looks each order up by key, up to the cap.
      const capped = (query.text ?? '').trim() !== '';
      if (capped) params.cap = SEARCH_COUNT_CAP;
      const counted = fts
        ? `SELECT 1 FROM order_fts f CROSS JOIN order_lookup l ON l.id = f.rowid
            ${whereSql(['order_fts MATCH @match'])}`
        : `SELECT 1 FROM order_lookup l ${whereSql([])}`;
      const total = cached(
        `SELECT count(*) AS n FROM (${counted}${capped ? ' LIMIT @cap + 1' : ''})`,
      ).get(params) as { n: number };
      const overCap = capped && total.n > SEARCH_COUNT_CAP;
      // Pending orders are few: count them from the overlay's side, each checked against the
      // filter, instead of joining the overlay onto every match (100k of them for "SF").
      // CROSS JOIN keeps that order: for a one- or two-character text the planner otherwise
      // walked all of the merchant's orders testing the text (40-55 ms a keystroke at 100k).
      const pending = cached(
        `SELECT count(*) AS n FROM sync_provisional_orders p
           CROSS JOIN order_lookup l ON l.order_id = p.order_id
          ${whereSql(['p.pending_count > 0', ...(fts ? [ftsRowMatches] : [])])}`,
      ).get(params) as { n: number };
      // The page walks the orders in display order and stops after `limit` matches, taking
      // the text's matches from the trigram index as one set. (Testing a broad text row by row
      // instead was tried: each test re-reads the phrase's trigram lists, and "SF70000" over
      // 30,000 shipped orders took minutes.)
      const textFilter = fts ? [ftsMatchSet] : [];
      const rows = cached(
        `SELECT ${src.state} AS state_json, ${src.pending} AS pending
           FROM order_lookup l ${src.joins}
          ${whereSql(textFilter)}
          ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      ).all(params) as { state_json: string | null; pending: number }[];
      return {
        total: overCap ? SEARCH_COUNT_CAP : total.n,
        totalCapped: overCap,
        pendingTotal: pending.n,
        rows: rows
          .filter((r) => r.state_json !== null)
          .map((r) =>
            toOrderRow(JSON.parse(r.state_json!) as OrderState, actor, nowMs, r.pending === 1),
          ),
      };
    },

    orderCounts(query) {
      const { where, params, fts } = orderFilter(query, undefined);
      const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
      if ((query.text ?? '').trim() === '') {
        const rows = cached(
          `SELECT l.status, count(*) AS n FROM order_lookup l ${whereSql} GROUP BY l.status`,
        ).all(params) as { status: OrderStatus; n: number }[];
        return { byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])), capped: false };
      }
      // With a text, the statuses of the first matches up to the cap (as the list's count):
      // exact when there are no more, else each a lower bound.
      params.cap = SEARCH_COUNT_CAP;
      const conditions = fts ? [...where, 'order_fts MATCH @match'] : where;
      const matches = `SELECT l.status
         FROM ${fts ? 'order_fts f CROSS JOIN order_lookup l ON l.id = f.rowid' : 'order_lookup l'}
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`;
      const statuses = cached(`${matches} LIMIT @cap + 1`).pluck().all(params) as OrderStatus[];
      const byStatus: Partial<Record<OrderStatus, number>> = {};
      for (const st of statuses.slice(0, SEARCH_COUNT_CAP)) byStatus[st] = (byStatus[st] ?? 0) + 1;
      return { byStatus, capped: statuses.length > SEARCH_COUNT_CAP };
    },

    ledgerStatement(query) {
      const params: Record<string, unknown> = {
        merchantId: query.merchantId,
        lo: `merchant:${query.merchantId}:`,
        hi: `merchant:${query.merchantId};`,
        fromMs: query.fromMs ?? Number.MIN_SAFE_INTEGER,
        toMs: query.toMs ?? Number.MAX_SAFE_INTEGER,
      };
      const group = query.scope === 'merchant' ? j.account : `'${ESCROW_STATEMENT_ACCOUNT}'`;
      const rows = cached(
        `SELECT ${group} AS account, t.currency,
                sum(CASE WHEN t.at < @fromMs THEN ${j.amount} ELSE 0 END) AS opening,
                sum(CASE WHEN t.at >= @fromMs THEN ${j.amount} ELSE 0 END) AS movement
          ${ledgerSource(query.scope)} AND t.at < @toMs
          GROUP BY 1, 2 ORDER BY 1, 2`,
      ).all(params) as { account: string; currency: Currency; opening: number; movement: number }[];
      return rows.map((r) => ({
        account: r.account,
        currency: r.currency,
        openingFen: r.opening,
        movementFen: r.movement,
        closingFen: r.opening + r.movement,
      }));
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
      const source = ledgerSource(query.scope);
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

    balanceHistory(merchantId, fromMs, toMs, timeZone) {
      // Escrow accounts are liabilities (credit −): held = −(sum of escrow legs so far).
      const byBucket = cached(
        `SELECT (t.at / ${BUCKET_MS}) * ${BUCKET_MS} AS bucket,
                -sum(${j.amount}) AS held_delta,
                sum(CASE WHEN t.kind IN ('escrow_release', 'escrow_split') AND ${j.amount} > 0
                         THEN ${j.amount} ELSE 0 END) AS released
           FROM order_lookup l JOIN ${j.txns} ON t.order_id = l.order_id ${j.legs}
          WHERE ${j.account} = 'escrow:order:' || l.order_id
            AND l.merchant_id = @merchantId AND t.at < @toMs
          GROUP BY bucket ORDER BY bucket`,
      ).all({ merchantId, toMs }) as { bucket: number; held_delta: number; released: number }[];
      const firstDay = localDayStart(fromMs, timeZone);
      const points: BalancePoint[] = [];
      let held = 0;
      let i = 0;
      for (; i < byBucket.length && byBucket[i]!.bucket < firstDay; i++) {
        held += byBucket[i]!.held_delta;
      }
      for (let day = firstDay; day < toMs; day = nextLocalDayStart(day, timeZone)) {
        const next = nextLocalDayStart(day, timeZone);
        let released = 0;
        for (; i < byBucket.length && byBucket[i]!.bucket < next; i++) {
          held += byBucket[i]!.held_delta;
          released += byBucket[i]!.released;
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
