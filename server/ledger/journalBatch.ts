import { DeskError } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { account, accountSpec, violatesFloor } from '../../shared/ledger/accounts.ts';
import { chainHash } from '../../shared/ledger/chainHash.ts';
import { isShard } from '../../shared/ledger/shards.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import type { JournalTransaction } from '../../shared/ledger/verifyJournal.ts';
import { isCurrency } from '../../shared/money.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { WriteStatement } from '../db/writeStatement.ts';
import { appendChangeRowsInto } from '../escrow/changeLog.ts';
import type { LedgerHead } from '../escrow/changeLog.ts';

export interface PostedTransaction {
  shard: number;
  /** The transaction's place in its shard's chain. */
  seq: number;
  txnId: string;
  /** The journal's head before this row: a replica rehashes the row from it. */
  prevHash: string;
  hash: string;
}

/** A posted transaction as the journal holds it and the change log carries it to desks. */
export function journalRow(posting: PostingRequest, posted: PostedTransaction): JournalTransaction {
  return {
    shard: posted.shard,
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

/** `shard|account|currency`: one balance row, a shard's sub-account. */
export type BalanceKey = string;
export const keyOf = (shard: number, name: string, currency: string): BalanceKey =>
  `${shard}|${name}|${currency}`;
export function parseKey(k: BalanceKey): { shard: number; account: string; currency: string } {
  const first = k.indexOf('|');
  const last = k.lastIndexOf('|');
  return {
    shard: Number(k.slice(0, first)),
    account: k.slice(first + 1, last),
    currency: k.slice(last + 1),
  };
}

/** A balance row as callers name it: one shard's sub-account of an account. */
export interface BalanceRow {
  shard: number;
  account: string;
  currency: string;
}

type Heads = Map<number, { seq: number; hash: string }>;

/** The lock order of balance rows: shard, then account, then currency. */
function byBalanceRow(a: BalanceRow, b: BalanceRow): number {
  if (a.shard !== b.shard) return a.shard - b.shard;
  if (a.account !== b.account) return a.account < b.account ? -1 : 1;
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;
}

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
 * The journal as one writer sees it inside its database transaction: the heads of the shards
 * it posts to (`shard_heads`, in shard order) and the balance rows it touches are locked once
 * (heads first, then balances in (shard, account) order, the lock order of every posting, so
 * two writers never deadlock on them; writers of different shards never meet), postings are checked
 * against the floors and chained in memory, and `flush` writes everything accumulated with one
 * multi-row statement per table. A posting that would cross a floor is refused before anything
 * is written, with its precise code, so a batch of commands learns which one fails without
 * savepoints. The balances table's CHECK constraints stay as the last line of defence.
 */
export class JournalBatch {
  /** The locked shards' heads, as they stand after the postings accepted so far. */
  private heads: Heads = new Map();
  /** Signed balances of the locked rows, as they stand after the postings accepted so far. */
  private readonly balances = new Map<BalanceKey, number>();
  /** Net change per balance row since the last flush. */
  private deltas = new Map<BalanceKey, number>();
  private txns: Array<PostingRequest & PostedTransaction> = [];

  constructor(private readonly tx: Queryable) {}

  /**
   * Locks the heads of these shards that are not locked yet, in shard order. The row stays
   * locked to commit: it orders the shard's chain and its change log (changeLog.ts).
   */
  async lockShards(shards: Iterable<number>): Promise<void> {
    await this.lock([], shards);
  }

  /**
   * Locks the heads of the rows' shards (and of `shards`) and the balance rows not locked yet,
   * creating missing rows, in one statement: heads in shard order first, then balance rows in
   * (shard, account, currency) order. Callers name everything a batch may touch up front;
   * anything named later is locked then (out of order, so a rare deadlock is possible and
   * retried by the callers like any other).
   */
  async lock(rows: Iterable<BalanceRow>, shards: Iterable<number> = []): Promise<void> {
    const wanted = new Map<BalanceKey, BalanceRow>();
    for (const r of rows) {
      const k = keyOf(r.shard, r.account, r.currency);
      if (!this.balances.has(k)) wanted.set(k, r);
    }
    const heads = [...new Set([...shards, ...[...wanted.values()].map((r) => r.shard)])]
      .filter((p) => !this.heads.has(p))
      .sort((a, b) => a - b);
    if (heads.length === 0 && wanted.size === 0) return;
    const sorted = [...wanted.values()].sort(byBalanceRow);
    const names = sorted.map((r) => r.account);
    // CTEs, since FOR UPDATE is not allowed in a UNION arm; one that locks is never inlined,
    // and the UNION reads them in order: heads, then new balance rows, then existing ones.
    const ctes: string[] = [];
    const parts: string[] = [];
    const params: unknown[] = [];
    const $ = (v: unknown) => (params.push(v), `$${params.length}`);
    if (heads.length > 0) {
      ctes.push(`heads AS (SELECT shard, ledger_seq, ledger_hash FROM shard_heads
                            WHERE shard = ANY(${$(heads)}::smallint[]) ORDER BY shard FOR UPDATE)`);
      parts.push(`SELECT 'h' AS k, shard, NULL::text AS account, NULL::text AS currency,
                         ledger_seq AS n, ledger_hash AS hash FROM heads`);
    }
    // A row a concurrent writer committed after this statement's snapshot is skipped by both
    // the INSERT (conflict) and the SELECT (not visible): it is locked again below.
    if (sorted.length > 0) {
      const [shard, name, currency] = [
        $(sorted.map((r) => r.shard)),
        $(names),
        $(sorted.map((r) => r.currency)),
      ];
      const normal = $(names.map((n) => accountSpec(n).normal));
      const floorZero = $(names.map((n) => accountSpec(n).floorZero));
      ctes.push(
        `made AS (INSERT INTO account_balances (shard, account, currency, normal, floor_zero)
                  SELECT * FROM unnest(${shard}::smallint[], ${name}::text[], ${currency}::text[],
                                       ${normal}::text[], ${floorZero}::boolean[])
                  ON CONFLICT DO NOTHING RETURNING shard, account, currency, balance_fen)`,
        `held AS (SELECT b.shard, b.account, b.currency, b.balance_fen
                    FROM account_balances b
                    JOIN unnest(${shard}::smallint[], ${name}::text[], ${currency}::text[])
                         AS w(shard, account, currency)
                      ON b.shard = w.shard AND b.account = w.account AND b.currency = w.currency
                   ORDER BY b.shard, b.account, b.currency
                     FOR UPDATE OF b)`,
      );
      parts.push(
        `SELECT 'b', shard, account, currency, balance_fen, NULL FROM made`,
        `SELECT 'b', shard, account, currency, balance_fen, NULL FROM held`,
      );
    }
    const r = await this.tx.query<{
      k: 'h' | 'b';
      shard: number;
      account: string | null;
      currency: string | null;
      n: number;
      hash: string | null;
    }>(`WITH ${ctes.join(', ')} ${parts.join(' UNION ALL ')}`, params, { prepared: true });
    for (const row of r.rows)
      if (row.k === 'h') this.heads.set(Number(row.shard), { seq: Number(row.n), hash: row.hash! });
      else this.balances.set(keyOf(Number(row.shard), row.account!, row.currency!), Number(row.n));
    for (const p of heads)
      if (!this.heads.has(p)) throw new DeskError('internal', `no head for shard ${p}`);
    const missed = sorted.filter((b) => !this.balances.has(keyOf(b.shard, b.account, b.currency)));
    if (missed.length > 0) {
      const again = await this.tx.query<{
        shard: number;
        account: string;
        currency: string;
        balance_fen: number;
      }>(
        `SELECT b.shard, b.account, b.currency, b.balance_fen
           FROM account_balances b
           JOIN unnest($1::smallint[], $2::text[], $3::text[]) AS w(shard, account, currency)
             ON b.shard = w.shard AND b.account = w.account AND b.currency = w.currency
          ORDER BY b.shard, b.account, b.currency
            FOR UPDATE OF b`,
        [missed.map((b) => b.shard), missed.map((b) => b.account), missed.map((b) => b.currency)],
      );
      for (const row of again.rows)
        this.balances.set(
          keyOf(Number(row.shard), row.account, row.currency),
          Number(row.balance_fen),
        );
      for (const b of missed)
        if (!this.balances.has(keyOf(b.shard, b.account, b.currency)))
          throw new DeskError('internal', `no balance row ${b.account} in shard ${b.shard}`);
    }
  }

  /** A locked sub-account's signed balance, as it stands after the postings accepted so far. */
  async balance(shard: number, name: string, currency: string): Promise<number> {
    await this.lock([{ shard, account: name, currency }]);
    return this.balances.get(keyOf(shard, name, currency)) ?? 0;
  }

  /**
   * Checks one posting against the floors (accounts in name order, as the database would meet
   * them) and, if it passes, chains it and counts it in the balances; nothing is written until
   * `flush`. Throws the precise DeskError for a posting that must be refused.
   */
  async post(req: PostingRequest): Promise<PostedTransaction> {
    const netByAccount = netOfPosting(req);
    const shard = req.shard;
    if (!isShard(shard)) throw new DeskError('invalid_input', `no shard ${String(shard)}`);
    await this.lock(
      [...netByAccount.keys()].map((a) => ({ shard, account: a, currency: req.currency })),
    );
    const problem = this.floorProblem(netByAccount, shard, req.currency);
    if (problem) throw new DeskError(problem.code, problem.message);
    for (const [name, net] of netByAccount) {
      const k = keyOf(shard, name, req.currency);
      this.balances.set(k, (this.balances.get(k) ?? 0) + net);
      this.deltas.set(k, (this.deltas.get(k) ?? 0) + net);
    }
    const head = this.heads.get(shard)!;
    const seq = head.seq + 1;
    const orderId = req.orderId ?? null;
    const hash = chainHash(
      head.hash,
      {
        shard,
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
    const posted = { shard, seq, txnId: req.txnId, prevHash: head.hash, hash };
    this.txns.push({ ...req, ...posted });
    this.heads.set(shard, { seq, hash });
    return posted;
  }

  /** Where the journal stands now, for `rollbackTo`. */
  mark(): { txns: number; heads: Heads } {
    return { txns: this.txns.length, heads: new Map(this.heads) };
  }

  /**
   * Takes back the postings accepted after `mark` (not flushed yet): a command refused after
   * some of its postings passed (a later one crossed a floor) leaves nothing behind.
   */
  rollbackTo(m: { txns: number; heads: Heads }): void {
    for (const t of this.txns.splice(m.txns)) {
      for (const [name, net] of netOfPosting(t)) {
        const k = keyOf(t.shard, name, t.currency);
        this.balances.set(k, (this.balances.get(k) ?? 0) - net);
        this.deltas.set(k, (this.deltas.get(k) ?? 0) - net);
      }
    }
    // Heads locked since the mark stay locked (and known): only their position goes back.
    for (const [p, h] of m.heads) this.heads.set(p, h);
  }

  private floorProblem(
    netByAccount: Map<string, number>,
    shard: number,
    currency: string,
  ): ErrorInfo | null {
    for (const name of [...netByAccount.keys()].sort()) {
      const after =
        (this.balances.get(keyOf(shard, name, currency)) ?? 0) + (netByAccount.get(name) ?? 0);
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
   * balances and the heads, in one statement. A guard row that already exists (a second hold,
   * resolution, claim payment or settlement) throws its precise DeskError after the statement
   * ran, so callers undo the flush with their savepoint.
   */
  async flush(): Promise<void> {
    const stmt = new WriteStatement();
    const written = this.flushInto(stmt);
    if (!written) return;
    appendChangeRowsInto(stmt, [], { ledgerHeads: written.heads });
    written.check(await stmt.run(this.tx));
  }

  /**
   * Adds the postings accepted since the last flush to a write statement (writeStatement.ts):
   * journal rows, entries, guard rows and balances. The caller writes the returned heads (with
   * its change rows: one UPDATE per shard head row) and hands the statement's outputs to
   * `check`, which throws the DeskError of a guard row that was already taken. Null: nothing
   * to write.
   */
  flushInto(
    stmt: WriteStatement,
  ): { heads: LedgerHead[]; check: (outputs: Record<string, unknown>) => void } | null {
    const txns = this.txns;
    if (txns.length === 0) return null;
    this.txns = [];
    const deltas = this.deltas;
    this.deltas = new Map();
    const p = (v: unknown) => stmt.param(v);
    stmt.with(
      'journal_txns',
      `INSERT INTO ledger_transactions
         (seq, txn_id, command_id, kind, at, currency, order_id, prev_hash, hash, shard)
       SELECT * FROM unnest(${p(txns.map((t) => t.seq))}::bigint[],
                            ${p(txns.map((t) => t.txnId))}::text[],
                            ${p(txns.map((t) => t.commandId))}::text[],
                            ${p(txns.map((t) => t.kind))}::text[],
                            ${p(txns.map((t) => t.at))}::bigint[],
                            ${p(txns.map((t) => t.currency))}::text[],
                            ${p(txns.map((t) => t.orderId ?? null))}::text[],
                            ${p(txns.map((t) => t.prevHash))}::text[],
                            ${p(txns.map((t) => t.hash))}::text[],
                            ${p(txns.map((t) => t.shard))}::smallint[])`,
    );
    const e = {
      shard: [] as number[],
      txn: [] as string[],
      leg: [] as number[],
      acct: [] as string[],
      fen: [] as number[],
    };
    for (const t of txns)
      t.legs.forEach((l, i) => {
        e.shard.push(t.shard);
        e.txn.push(t.txnId);
        e.leg.push(i);
        e.acct.push(l.account);
        e.fen.push(l.amountFen);
      });
    stmt.with(
      'journal_entries',
      `INSERT INTO ledger_entries (txn_id, leg_no, account, amount_fen, shard)
       SELECT * FROM unnest(${p(e.txn)}::text[], ${p(e.leg)}::int[], ${p(e.acct)}::text[],
                            ${p(e.fen)}::bigint[], ${p(e.shard)}::smallint[])`,
    );
    const check = this.guardsInto(stmt, txns);
    const changed = [...deltas].filter(([, d]) => d !== 0);
    if (changed.length > 0) {
      const rows = changed.map(([k]) => parseKey(k));
      stmt.with(
        'journal_balances',
        `UPDATE account_balances b SET balance_fen = b.balance_fen + v.delta
           FROM unnest(${p(rows.map((r) => r.shard))}::smallint[],
                       ${p(rows.map((r) => r.account))}::text[],
                       ${p(rows.map((r) => r.currency))}::text[],
                       ${p(changed.map(([, d]) => d))}::bigint[])
                AS v(shard, account, currency, delta)
          WHERE b.shard = v.shard AND b.account = v.account AND b.currency = v.currency`,
      );
    }
    const moved = [...new Set(txns.map((t) => t.shard))].sort((a, b) => a - b);
    return { heads: moved.map((shard) => ({ shard, ...this.heads.get(shard)! })), check };
  }

  /** Guard rows as CTEs; the returned check throws the error of one that was already taken. */
  private guardsInto(
    stmt: WriteStatement,
    txns: PostingRequest[],
  ): (outputs: Record<string, unknown>) => void {
    // Every guard row carries its posting's shard (the partition key, migration 9).
    const guards: Array<{
      table: string;
      cols: string;
      types: string[];
      rows: unknown[][];
      error: () => DeskError;
    }> = [
      {
        table: 'escrow_holds',
        cols: 'order_id, txn_id, shard',
        types: ['text', 'text', 'smallint'],
        rows: txns.flatMap((t) =>
          t.holdsEscrowOf === undefined ? [] : [[t.holdsEscrowOf, t.txnId, t.shard]],
        ),
        error: () => new DeskError('escrow_already_held', 'this order is already paid into escrow'),
      },
      {
        table: 'escrow_resolutions',
        cols: 'order_id, txn_id, shard',
        types: ['text', 'text', 'smallint'],
        rows: txns.flatMap((t) =>
          t.resolvesEscrowOf === undefined ? [] : [[t.resolvesEscrowOf, t.txnId, t.shard]],
        ),
        error: () =>
          new DeskError('escrow_already_resolved', 'this order’s escrow is already resolved'),
      },
      {
        table: 'claim_payments',
        cols: 'claim_id, order_id, amount_fen, txn_id, shard',
        types: ['text', 'text', 'bigint', 'text', 'smallint'],
        rows: txns.flatMap((t) =>
          t.paysClaim === undefined
            ? []
            : [
                [
                  t.paysClaim,
                  t.orderId ?? '',
                  t.legs.filter((l) => l.amountFen < 0).reduce((s, l) => s - l.amountFen, 0),
                  t.txnId,
                  t.shard,
                ],
              ],
        ),
        error: () => new DeskError('claim_already_paid', 'this claim is already paid'),
      },
      {
        table: 'withdrawal_settlements',
        cols: 'withdrawal_id, txn_id, shard',
        types: ['text', 'text', 'smallint'],
        rows: txns.flatMap((t) =>
          t.settlesWithdrawal === undefined ? [] : [[t.settlesWithdrawal, t.txnId, t.shard]],
        ),
        error: () =>
          new DeskError('withdrawal_already_settled', 'this withdrawal is already settled'),
      },
    ];
    const outputs: Array<{ name: string; rows: number; error: () => DeskError }> = [];
    for (const g of guards) {
      if (g.rows.length === 0) continue;
      const columns = g.types.map(
        (type, c) => `${stmt.param(g.rows.map((row) => row[c]))}::${type}[]`,
      );
      stmt.with(
        `guard_${g.table}`,
        `INSERT INTO ${g.table} (${g.cols}) SELECT * FROM unnest(${columns.join(', ')})
         ON CONFLICT DO NOTHING RETURNING 1`,
      );
      stmt.output(`guard_${g.table}`, `(SELECT count(*) FROM guard_${g.table})`);
      outputs.push({ name: `guard_${g.table}`, rows: g.rows.length, error: g.error });
    }
    return (out) => {
      for (const o of outputs) if (Number(out[o.name]) !== o.rows) throw o.error();
    };
  }
}
