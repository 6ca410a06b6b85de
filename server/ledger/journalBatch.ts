import { DeskError } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { account, accountSpec, violatesFloor } from '../../shared/ledger/accounts.ts';
import { chainHash } from '../../shared/ledger/chainHash.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import type { JournalTransaction } from '../../shared/ledger/verifyJournal.ts';
import { isCurrency } from '../../shared/money.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';

export interface PostedTransaction {
  seq: number;
  txnId: string;
  /** The journal's head before this row: a replica rehashes the row from it. */
  prevHash: string;
  hash: string;
}

/** A posted transaction as the journal holds it and the change log carries it to desks. */
export function journalRow(posting: PostingRequest, posted: PostedTransaction): JournalTransaction {
  return {
    seq: posted.seq,
    txnId: posting.txnId,
    commandId: posting.commandId,
    kind: posting.kind,
    at: posting.at,
    currency: posting.currency,
    orderId: posting.orderId ?? null,
    legs: posting.legs,
    prevHash: posted.prevHash,
    hash: posted.hash,
  };
}

/** `account|currency`: one balance row. */
type BalanceKey = string;
const keyOf = (name: string, currency: string): BalanceKey => `${name}|${currency}`;

/**
 * The checks every posting passes before it touches a balance: a known currency, two or more
 * non-zero safe-integer legs summing to zero, accounts from the chart. Returns the net amount
 * per account. Throws the precise DeskError.
 */
export function netOfPosting(req: PostingRequest): Map<string, number> {
  if (!isCurrency(req.currency)) throw new DeskError('currency_mismatch', 'unknown currency');
  if (req.legs.length < 2)
    throw new DeskError('unbalanced_transaction', 'a transaction needs two or more legs');
  const netByAccount = new Map<string, number>();
  let sum = 0;
  for (const leg of req.legs) {
    if (!Number.isSafeInteger(leg.amountFen) || leg.amountFen === 0)
      throw new DeskError('invalid_amount', 'every leg must be a non-zero safe integer of fen');
    accountSpec(leg.account);
    sum += leg.amountFen;
    const net = (netByAccount.get(leg.account) ?? 0) + leg.amountFen;
    if (!Number.isSafeInteger(sum) || !Number.isSafeInteger(net))
      throw new DeskError('invalid_amount', 'leg amounts overflow');
    netByAccount.set(leg.account, net);
  }
  if (sum !== 0) throw new DeskError('unbalanced_transaction', `legs sum to ${sum}, not zero`);
  return netByAccount;
}

/**
 * The journal as one writer sees it inside its database transaction: the chain head and the
 * balance rows it touches are locked once (head first, then balances in account order, the
 * lock order of every posting, so two writers never deadlock on them), postings are checked
 * against the floors and chained in memory, and `flush` writes everything accumulated with one
 * multi-row statement per table. A posting that would cross a floor is refused before anything
 * is written, with its precise code, so a batch of commands learns which one fails without
 * savepoints. The balances table's CHECK constraints stay as the last line of defence.
 */
export class JournalBatch {
  private head: { seq: number; hash: string } | null = null;
  /** Signed balances of the locked rows, as they stand after the postings accepted so far. */
  private readonly balances = new Map<BalanceKey, number>();
  /** Net change per balance row since the last flush. */
  private deltas = new Map<BalanceKey, number>();
  private txns: Array<PostingRequest & PostedTransaction> = [];

  constructor(private readonly tx: Queryable) {}

  /**
   * Locks the head (once) and the balance rows of these accounts that are not locked yet,
   * creating missing rows, in one sorted pass. Callers name everything a batch may touch up
   * front; anything named later is locked then (out of order, so a rare deadlock is possible
   * and retried by the callers like any other).
   */
  async lock(rows: Iterable<{ account: string; currency: string }>): Promise<void> {
    if (!this.head) {
      const h = await this.tx.query<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM ledger_head WHERE singleton FOR UPDATE',
      );
      const prev = h.rows[0];
      if (!prev) throw new DeskError('internal', 'ledger head missing');
      this.head = { seq: Number(prev.seq), hash: prev.hash };
    }
    const wanted = new Map<BalanceKey, { account: string; currency: string }>();
    for (const r of rows) {
      const k = keyOf(r.account, r.currency);
      if (!this.balances.has(k)) wanted.set(k, r);
    }
    if (wanted.size === 0) return;
    const sorted = [...wanted.values()].sort((a, b) =>
      a.account < b.account ? -1 : a.account > b.account ? 1 : a.currency < b.currency ? -1 : 1,
    );
    const names = sorted.map((r) => r.account);
    const currencies = sorted.map((r) => r.currency);
    await this.tx.query(
      `INSERT INTO account_balances (account, currency, normal, floor_zero)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
       ON CONFLICT DO NOTHING`,
      [
        names,
        currencies,
        names.map((n) => accountSpec(n).normal),
        names.map((n) => accountSpec(n).floorZero),
      ],
    );
    const r = await this.tx.query<{ account: string; currency: string; balance_fen: number }>(
      `SELECT b.account, b.currency, b.balance_fen
         FROM account_balances b
         JOIN unnest($1::text[], $2::text[]) AS w(account, currency)
           ON b.account = w.account AND b.currency = w.currency
        ORDER BY b.account, b.currency
          FOR UPDATE OF b`,
      [names, currencies],
    );
    for (const row of r.rows)
      this.balances.set(keyOf(row.account, row.currency), Number(row.balance_fen));
  }

  /** A locked account's signed balance, as it stands after the postings accepted so far. */
  async balance(name: string, currency: string): Promise<number> {
    await this.lock([{ account: name, currency }]);
    return this.balances.get(keyOf(name, currency)) ?? 0;
  }

  /**
   * Checks one posting against the floors (accounts in name order, as the database would meet
   * them) and, if it passes, chains it and counts it in the balances; nothing is written until
   * `flush`. Throws the precise DeskError for a posting that must be refused.
   */
  async post(req: PostingRequest): Promise<PostedTransaction> {
    const netByAccount = netOfPosting(req);
    await this.lock([...netByAccount.keys()].map((a) => ({ account: a, currency: req.currency })));
    const problem = this.floorProblem(netByAccount, req.currency);
    if (problem) throw new DeskError(problem.code, problem.message);
    for (const [name, net] of netByAccount) {
      const k = keyOf(name, req.currency);
      this.balances.set(k, (this.balances.get(k) ?? 0) + net);
      this.deltas.set(k, (this.deltas.get(k) ?? 0) + net);
    }
    const head = this.head!;
    const seq = head.seq + 1;
    const orderId = req.orderId ?? null;
    const hash = chainHash(
      head.hash,
      {
        seq,
        txnId: req.txnId,
        commandId: req.commandId,
        kind: req.kind,
        at: req.at,
        currency: req.currency,
        orderId,
        legs: req.legs,
      },
      sha256Hex,
    );
    const posted = { seq, txnId: req.txnId, prevHash: head.hash, hash };
    this.txns.push({ ...req, ...posted });
    this.head = { seq, hash };
    return posted;
  }

  /** Where the journal stands now, for `rollbackTo`. */
  mark(): { txns: number; head: { seq: number; hash: string } | null } {
    return { txns: this.txns.length, head: this.head };
  }

  /**
   * Takes back the postings accepted after `mark` (not flushed yet): a command refused after
   * some of its postings passed (a later one crossed a floor) leaves nothing behind.
   */
  rollbackTo(m: { txns: number; head: { seq: number; hash: string } | null }): void {
    for (const t of this.txns.splice(m.txns)) {
      for (const [name, net] of netOfPosting(t)) {
        const k = keyOf(name, t.currency);
        this.balances.set(k, (this.balances.get(k) ?? 0) - net);
        this.deltas.set(k, (this.deltas.get(k) ?? 0) - net);
      }
    }
    this.head = m.head;
  }

  private floorProblem(netByAccount: Map<string, number>, currency: string): ErrorInfo | null {
    for (const name of [...netByAccount.keys()].sort()) {
      const after = (this.balances.get(keyOf(name, currency)) ?? 0) + (netByAccount.get(name) ?? 0);
      if (!Number.isSafeInteger(after))
        return { code: 'invalid_amount', message: `${name} would leave the safe integer range` };
      if (violatesFloor(name, after))
        return name === account.guaranteeFund()
          ? { code: 'guarantee_fund_insufficient', message: 'the guarantee fund cannot cover this' }
          : { code: 'insufficient_funds', message: `${name} would go below zero` };
    }
    return null;
  }

  /**
   * Writes the postings accepted since the last flush: journal rows, entries, guard rows,
   * balances and the head, one statement each. A guard row that already exists (a second hold,
   * resolution, claim payment or settlement) throws its precise DeskError after statements ran,
   * so callers undo the flush with their savepoint.
   */
  async flush(): Promise<void> {
    const txns = this.txns;
    if (txns.length === 0) return;
    this.txns = [];
    const deltas = this.deltas;
    this.deltas = new Map();
    const tx = this.tx;
    await tx.query(
      `INSERT INTO ledger_transactions
         (seq, txn_id, command_id, kind, at, currency, order_id, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[],
                            $6::text[], $7::text[], $8::text[], $9::text[])`,
      [
        txns.map((t) => t.seq),
        txns.map((t) => t.txnId),
        txns.map((t) => t.commandId),
        txns.map((t) => t.kind),
        txns.map((t) => t.at),
        txns.map((t) => t.currency),
        txns.map((t) => t.orderId ?? null),
        txns.map((t) => t.prevHash),
        txns.map((t) => t.hash),
      ],
    );
    const e = {
      txn: [] as string[],
      leg: [] as number[],
      acct: [] as string[],
      fen: [] as number[],
    };
    for (const t of txns)
      t.legs.forEach((l, i) => {
        e.txn.push(t.txnId);
        e.leg.push(i);
        e.acct.push(l.account);
        e.fen.push(l.amountFen);
      });
    await tx.query(
      `INSERT INTO ledger_entries (txn_id, leg_no, account, amount_fen)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[])`,
      [e.txn, e.leg, e.acct, e.fen],
    );
    await this.writeGuards(txns);
    const changed = [...deltas].filter(([, d]) => d !== 0);
    if (changed.length > 0) {
      const names: string[] = [];
      const currencies: string[] = [];
      for (const [k] of changed) {
        const bar = k.lastIndexOf('|');
        names.push(k.slice(0, bar));
        currencies.push(k.slice(bar + 1));
      }
      await tx.query(
        `UPDATE account_balances b SET balance_fen = b.balance_fen + v.delta
           FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(account, currency, delta)
          WHERE b.account = v.account AND b.currency = v.currency`,
        [names, currencies, changed.map(([, d]) => d)],
      );
    }
    const head = this.head!;
    await tx.query('UPDATE ledger_head SET seq = $1, hash = $2 WHERE singleton', [
      head.seq,
      head.hash,
    ]);
  }

  private async writeGuards(txns: PostingRequest[]): Promise<void> {
    const guards: Array<{
      table: string;
      cols: string;
      types: string;
      rows: unknown[][];
      error: () => DeskError;
    }> = [
      {
        table: 'escrow_holds',
        cols: 'order_id, txn_id',
        types: '$1::text[], $2::text[]',
        rows: txns.flatMap((t) =>
          t.holdsEscrowOf === undefined ? [] : [[t.holdsEscrowOf, t.txnId]],
        ),
        error: () => new DeskError('escrow_already_held', 'this order is already paid into escrow'),
      },
      {
        table: 'escrow_resolutions',
        cols: 'order_id, txn_id',
        types: '$1::text[], $2::text[]',
        rows: txns.flatMap((t) =>
          t.resolvesEscrowOf === undefined ? [] : [[t.resolvesEscrowOf, t.txnId]],
        ),
        error: () =>
          new DeskError('escrow_already_resolved', 'this order’s escrow is already resolved'),
      },
      {
        table: 'claim_payments',
        cols: 'claim_id, order_id, amount_fen, txn_id',
        types: '$1::text[], $2::text[], $3::bigint[], $4::text[]',
        rows: txns.flatMap((t) =>
          t.paysClaim === undefined
            ? []
            : [
                [
                  t.paysClaim,
                  t.orderId ?? '',
                  t.legs.filter((l) => l.amountFen < 0).reduce((s, l) => s - l.amountFen, 0),
                  t.txnId,
                ],
              ],
        ),
        error: () => new DeskError('claim_already_paid', 'this claim is already paid'),
      },
      {
        table: 'withdrawal_settlements',
        cols: 'withdrawal_id, txn_id',
        types: '$1::text[], $2::text[]',
        rows: txns.flatMap((t) =>
          t.settlesWithdrawal === undefined ? [] : [[t.settlesWithdrawal, t.txnId]],
        ),
        error: () =>
          new DeskError('withdrawal_already_settled', 'this withdrawal is already settled'),
      },
    ];
    for (const g of guards) {
      if (g.rows.length === 0) continue;
      const columns = g.rows[0]!.map((_, c) => g.rows.map((row) => row[c]));
      const r = await this.tx.query(
        `INSERT INTO ${g.table} (${g.cols}) SELECT * FROM unnest(${g.types})
         ON CONFLICT DO NOTHING`,
        columns,
      );
      if (r.rowCount !== g.rows.length) throw g.error();
    }
  }
}
