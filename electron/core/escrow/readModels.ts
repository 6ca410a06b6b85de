import { DeskError } from '../../../shared/errors.ts';
import type { Actor, EscrowEvent, OrderState, OrderStatus } from '../../../shared/escrow/types.ts';
import { accountSpec, normalBalance } from '../../../shared/ledger/accounts.ts';
import type { PostingKind } from '../../../shared/ledger/types.ts';
import { isCurrency } from '../../../shared/money.ts';
import type { Currency } from '../../../shared/money.ts';
import type { Db } from '../store/openDatabase.ts';
import type { OrderStore } from './orderStore.ts';

export interface OrderSummary {
  orderId: string;
  merchantId: string;
  buyerId: string;
  status: OrderStatus;
  currency: Currency;
  amountFen: number;
  heldFen: number;
  nextTimerAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface OrderPage {
  orders: OrderSummary[];
  /** Pass as `afterCursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface TimelineEntry {
  version: number;
  type: EscrowEvent['type'];
  at: number;
  commandId: string;
  actor: Pick<Actor, 'role' | 'userId'>;
  event: EscrowEvent;
}

export interface OrderPosting {
  seq: number;
  txnId: string;
  commandId: string;
  kind: PostingKind;
  at: number;
  currency: Currency;
  hash: string;
  legs: { account: string; amountFen: number }[];
}

export interface OrderDetail {
  order: OrderState;
  timeline: TimelineEntry[];
  postings: OrderPosting[];
}

export interface AccountBalance {
  account: string;
  currency: Currency;
  /** As stored: debit +, credit −. */
  signedFen: number;
  /** As people read it: positive on the account's normal side. */
  balanceFen: number;
}

export interface BalanceSheet {
  /** Every account but the per-order escrow accounts, which are summed in `escrowHeld`. */
  accounts: AccountBalance[];
  escrowHeld: { currency: Currency; heldFen: number }[];
}

export interface ReadModels {
  listOrders(query: {
    merchantId?: string;
    status?: OrderStatus;
    limit: number;
    afterCursor?: string | null;
  }): OrderPage;
  getOrder(orderId: string): OrderDetail | null;
  balances(query?: { merchantId?: string }): BalanceSheet;
  accountBalance(name: string, currency?: Currency): AccountBalance;
}

const MAX_PAGE = 500;

interface OrderRow {
  order_id: string;
  merchant_id: string;
  buyer_id: string;
  status: OrderStatus;
  currency: Currency;
  amount_fen: number;
  held_fen: number;
  next_timer_at: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

function summary(r: OrderRow): OrderSummary {
  return {
    orderId: r.order_id,
    merchantId: r.merchant_id,
    buyerId: r.buyer_id,
    status: r.status,
    currency: r.currency,
    amountFen: r.amount_fen,
    heldFen: r.held_fen,
    nextTimerAt: r.next_timer_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

// Cursor "<createdAt>~<orderId>": newest first, ties broken by order id, so paging is stable
// while new orders arrive.
function encodeCursor(r: OrderRow): string {
  return `${r.created_at}~${r.order_id}`;
}

function decodeCursor(cursor: string): [number, string] {
  const m = /^(\d{1,16})~(.{1,200})$/.exec(cursor);
  const at = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(at)) throw new DeskError('invalid_input', 'bad cursor');
  return [at, m[2]!];
}

function balanceOf(account: string, currency: Currency, signedFen: number): AccountBalance {
  // `|| 0` turns the -0 of a negated zero into 0.
  return { account, currency, signedFen, balanceFen: normalBalance(account, signedFen) || 0 };
}

/** Queries for the desk's screens; read-only and served from the indexed columns. */
export function createReadModels(db: Db, orders: OrderStore): ReadModels {
  const listStatements = new Map<string, ReturnType<Db['prepare']>>();
  function listStatement(merchant: boolean, status: boolean, cursor: boolean) {
    const key = `${+merchant}${+status}${+cursor}`;
    let stmt = listStatements.get(key);
    if (!stmt) {
      const where = [
        merchant ? 'merchant_id = @merchantId' : null,
        status ? 'status = @status' : null,
        cursor ? '(created_at, order_id) < (@cursorAt, @cursorId)' : null,
      ].filter(Boolean);
      stmt = db.prepare(
        `SELECT order_id, merchant_id, buyer_id, status, currency, amount_fen, held_fen,
                next_timer_at, created_at, updated_at, version
           FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, order_id DESC LIMIT @limit`,
      );
      listStatements.set(key, stmt);
    }
    return stmt;
  }
  const timeline = db.prepare<
    [string],
    {
      version: number;
      type: EscrowEvent['type'];
      at: number;
      command_id: string;
      actor_role: Actor['role'];
      actor_user_id: string;
      event_json: string;
    }
  >(
    'SELECT version, type, at, command_id, actor_role, actor_user_id, event_json FROM order_events WHERE order_id = ? ORDER BY version',
  );
  const postings = db.prepare<
    [string],
    {
      seq: number;
      txn_id: string;
      command_id: string;
      kind: PostingKind;
      at: number;
      currency: Currency;
      hash: string;
      account: string;
      amount_fen: number;
    }
  >(
    `SELECT t.seq, t.txn_id, t.command_id, t.kind, t.at, t.currency, t.hash, e.account, e.amount_fen
       FROM ledger_txns t JOIN ledger_entries e ON e.seq = t.seq
      WHERE t.order_id = ? ORDER BY t.seq, e.leg`,
  );
  const allBalances = db.prepare<[], { currency: Currency; account: string; balance_fen: number }>(
    `SELECT currency, account, balance_fen FROM account_balances
      WHERE account NOT LIKE 'escrow:order:%' ORDER BY account, currency`,
  );
  const merchantBalances = db.prepare<
    [{ prefix: string }],
    { currency: Currency; account: string; balance_fen: number }
  >(
    `SELECT currency, account, balance_fen FROM account_balances
      WHERE substr(account, 1, length(@prefix)) = @prefix ORDER BY account, currency`,
  );
  const escrowHeld = db.prepare<[], { currency: Currency; held: number }>(
    `SELECT currency, -SUM(balance_fen) AS held FROM account_balances
      WHERE account LIKE 'escrow:order:%' GROUP BY currency ORDER BY currency`,
  );
  const merchantEscrowHeld = db.prepare<[string], { currency: Currency; held: number }>(
    `SELECT currency, SUM(held_fen) AS held FROM orders WHERE merchant_id = ? AND held_fen <> 0
      GROUP BY currency ORDER BY currency`,
  );
  const oneBalance = db.prepare<[string, string], { balance_fen: number }>(
    'SELECT balance_fen FROM account_balances WHERE currency = ? AND account = ?',
  );

  return {
    listOrders(query) {
      const { merchantId, status, limit, afterCursor } = query ?? ({} as never);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new DeskError('invalid_input', `limit must be 1 to ${MAX_PAGE}`);
      }
      const cursor = afterCursor ? decodeCursor(afterCursor) : null;
      const rows = listStatement(
        merchantId !== undefined,
        status !== undefined,
        cursor !== null,
      ).all({
        merchantId,
        status,
        cursorAt: cursor?.[0],
        cursorId: cursor?.[1],
        limit: limit + 1,
      }) as OrderRow[];
      const page = rows.slice(0, limit);
      return {
        orders: page.map(summary),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
      };
    },
    getOrder(orderId) {
      if (typeof orderId !== 'string' || orderId === '') {
        throw new DeskError('invalid_input', 'orderId must be a non-empty string');
      }
      const order = db.transaction(() => orders.load(orderId))();
      if (!order) return null;
      const byTxn = new Map<number, OrderPosting>();
      for (const r of postings.all(orderId)) {
        let p = byTxn.get(r.seq);
        if (!p) {
          p = {
            seq: r.seq,
            txnId: r.txn_id,
            commandId: r.command_id,
            kind: r.kind,
            at: r.at,
            currency: r.currency,
            hash: r.hash,
            legs: [],
          };
          byTxn.set(r.seq, p);
        }
        p.legs.push({ account: r.account, amountFen: r.amount_fen });
      }
      return {
        order,
        timeline: timeline.all(orderId).map((r) => ({
          version: r.version,
          type: r.type,
          at: r.at,
          commandId: r.command_id,
          actor: { role: r.actor_role, userId: r.actor_user_id },
          event: JSON.parse(r.event_json) as EscrowEvent,
        })),
        postings: [...byTxn.values()],
      };
    },
    balances(query = {}) {
      const { merchantId } = query;
      if (merchantId !== undefined) {
        if (typeof merchantId !== 'string' || merchantId === '') {
          throw new DeskError('invalid_input', 'merchantId must be a non-empty string');
        }
        return {
          accounts: merchantBalances
            .all({ prefix: `merchant:${merchantId}:` })
            .map((r) => balanceOf(r.account, r.currency, r.balance_fen)),
          escrowHeld: merchantEscrowHeld
            .all(merchantId)
            .map((r) => ({ currency: r.currency, heldFen: r.held })),
        };
      }
      return {
        accounts: allBalances.all().map((r) => balanceOf(r.account, r.currency, r.balance_fen)),
        escrowHeld: escrowHeld.all().map((r) => ({ currency: r.currency, heldFen: r.held })),
      };
    },
    accountBalance(name, currency = 'CNY') {
      accountSpec(name);
      if (!isCurrency(currency))
        throw new DeskError('currency_mismatch', `unsupported currency ${String(currency)}`);
      return balanceOf(name, currency, oneBalance.get(currency, name)?.balance_fen ?? 0);
    },
  };
}
