import Database from 'better-sqlite3';
import { DeskError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import type { PostingRequest } from '../../../shared/ledger/types.ts';
import type { Currency } from '../../../shared/money.ts';
import type { Db } from '../store/openDatabase.ts';
import { GENESIS_HASH, canonicalBody, txnHash } from './hashChain.ts';
import type { TxnBody } from './hashChain.ts';
import { validatePosting } from './validatePosting.ts';

export interface PostedTxn {
  seq: number;
  txnId: string;
  hash: string;
  /** True when this txnId was already posted with the same content: nothing new was written. */
  duplicate: boolean;
}

export interface Ledger {
  /** Validates and posts atomically (a SAVEPOINT when called inside a transaction). */
  post(req: PostingRequest): PostedTxn;
  /**
   * Posts without its own savepoint, for callers that already run inside a transaction and
   * roll the whole unit back on any throw (the escrow service). Never call it outside one.
   */
  postInTransaction(req: PostingRequest): PostedTxn;
  /** The signed balance (debit +, credit −); 0 for an account never posted to. */
  signedBalance(account: string, currency: Currency): number;
  /**
   * Throws the DeskError that posting `reqs` one after another would throw (an invalid
   * request, a guard already taken, a floor-zero account crossing zero), reading only. Lets a
   * caller decide before its first write, so it needs no savepoint to undo a rejection; the
   * schema's guards and CHECKs still back every write.
   */
  precheck(reqs: readonly PostingRequest[]): void;
}

interface HeadRow {
  seq: number;
  hash: string;
}

interface TxnRow {
  seq: number;
  txn_id: string;
  command_id: string;
  kind: string;
  at: number;
  currency: string;
  order_id: string | null;
  claim_id: string | null;
  hash: string;
}

/** True for an SQLite constraint failure of the given extended code. */
function isConstraint(err: unknown, code: string): boolean {
  return err instanceof Database.SqliteError && err.code === code;
}

/** Runs one guard insert; a primary-key clash becomes the guard's own error code. */
function guarded(code: ErrorCode, message: string, run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (isConstraint(err, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new DeskError(code, message);
    throw err;
  }
}

/**
 * The double-entry writer. Statements are prepared once per connection. A posting writes the
 * journal row (chained to the previous one by hash), its guard rows, its entries and the
 * materialised balances, all or nothing; the schema's constraints back every check.
 */
export function createLedger(db: Db): Ledger {
  const head = db.prepare<[], HeadRow>(
    'SELECT seq, hash FROM ledger_txns ORDER BY seq DESC LIMIT 1',
  );
  const byTxnId = db.prepare<[string], TxnRow>('SELECT * FROM ledger_txns WHERE txn_id = ?');
  const legsOf = db.prepare<[number], { account: string; amount_fen: number }>(
    'SELECT account, amount_fen FROM ledger_entries WHERE seq = ? ORDER BY leg',
  );
  const insertTxn = db.prepare(
    `INSERT INTO ledger_txns (seq, txn_id, command_id, kind, at, currency, order_id, claim_id, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEntry = db.prepare(
    'INSERT INTO ledger_entries (seq, leg, account, amount_fen) VALUES (?, ?, ?, ?)',
  );
  // Update first, insert on first use: SQLite checks CHECK constraints on an upsert's proposed
  // row before it detects the conflict, so ON CONFLICT would refuse every debit to a
  // credit-normal account.
  const addToBalance = db.prepare(
    'UPDATE account_balances SET balance_fen = balance_fen + ? WHERE currency = ? AND account = ?',
  );
  const insertBalance = db.prepare(
    `INSERT INTO account_balances (currency, account, balance_fen, normal_sign, floor_zero)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const balanceOf = db.prepare<[string, string], { balance_fen: number }>(
    'SELECT balance_fen FROM account_balances WHERE currency = ? AND account = ?',
  );
  const insertHold = db.prepare(
    'INSERT INTO escrow_holds (order_id, seq, amount_fen) VALUES (?, ?, ?)',
  );
  const insertResolution = db.prepare(
    'INSERT INTO escrow_resolutions (order_id, seq) VALUES (?, ?)',
  );
  const insertClaimPayment = db.prepare(
    'INSERT INTO claim_payments (claim_id, order_id, seq, amount_fen) VALUES (?, ?, ?, ?)',
  );

  const txnExists = db
    .prepare<[string], number>('SELECT 1 FROM ledger_txns WHERE txn_id = ?')
    .pluck();
  const holdExists = db
    .prepare<[string], number>('SELECT 1 FROM escrow_holds WHERE order_id = ?')
    .pluck();
  const resolutionExists = db
    .prepare<[string], number>('SELECT 1 FROM escrow_resolutions WHERE order_id = ?')
    .pluck();
  const claimPaid = db
    .prepare<[string], number>('SELECT 1 FROM claim_payments WHERE claim_id = ?')
    .pluck();

  function precheck(reqs: readonly PostingRequest[]): void {
    // Balances and guards as the earlier postings of `reqs` leave them.
    let balances: Map<string, number> | null = null;
    let taken: Set<string> | null = null;
    const take = (key: string, exists: boolean, code: ErrorCode, message: string) => {
      if (exists || taken?.has(key)) throw new DeskError(code, message);
      (taken ??= new Set()).add(key);
    };
    for (const req of reqs) {
      const legs = validatePosting(req);
      // A txn id seen before writes nothing new (or is a conflict, found when it is written).
      if (txnExists.get(req.txnId) !== undefined) continue;
      if (req.holdsEscrowOf) {
        const orderId = req.holdsEscrowOf;
        take(
          `h:${orderId}`,
          holdExists.get(orderId) !== undefined,
          'escrow_already_held',
          `escrow of order ${orderId} is already held`,
        );
      }
      if (req.resolvesEscrowOf) {
        const orderId = req.resolvesEscrowOf;
        take(
          `r:${orderId}`,
          resolutionExists.get(orderId) !== undefined,
          'escrow_already_resolved',
          `escrow of order ${orderId} is already resolved`,
        );
      }
      if (req.paysClaim) {
        const claimId = req.paysClaim;
        take(
          `c:${claimId}`,
          claimPaid.get(claimId) !== undefined,
          'claim_already_paid',
          `claim ${claimId} is already paid`,
        );
      }
      for (const l of legs) {
        if (!l.spec.floorZero) continue;
        const key = `${req.currency}|${l.account}`;
        const current =
          balances?.get(key) ?? balanceOf.get(req.currency, l.account)?.balance_fen ?? 0;
        const next = current + l.amountFen;
        if ((l.spec.normal === 'debit' ? next : -next) < 0) {
          const code =
            l.spec.kind === 'guarantee_fund' ? 'guarantee_fund_insufficient' : 'insufficient_funds';
          throw new DeskError(code, `${l.account} cannot go below zero`);
        }
        (balances ??= new Map()).set(key, next);
      }
    }
  }

  function existingPosting(txnId: string, canonical: string): PostedTxn {
    const existing = byTxnId.get(txnId);
    if (!existing) throw new DeskError('internal', `txn ${txnId} clashed but is not there`);
    const stored = canonicalBody({
      txnId: existing.txn_id,
      commandId: existing.command_id,
      kind: existing.kind,
      at: existing.at,
      currency: existing.currency,
      orderId: existing.order_id,
      claimId: existing.claim_id,
      legs: legsOf.all(existing.seq).map((l) => ({ account: l.account, amountFen: l.amount_fen })),
    });
    if (stored !== canonical) {
      throw new DeskError('idempotency_conflict', `txn ${txnId} was posted with other content`);
    }
    return { seq: existing.seq, txnId: existing.txn_id, hash: existing.hash, duplicate: true };
  }

  function postInTransaction(req: PostingRequest): PostedTxn {
    const legs = validatePosting(req);
    const body: TxnBody = {
      txnId: req.txnId,
      commandId: req.commandId,
      kind: req.kind,
      at: req.at,
      currency: req.currency,
      orderId: req.orderId ?? null,
      claimId: req.paysClaim ?? null,
      legs,
    };
    const canonical = canonicalBody(body);

    const prev = head.get();
    const seq = (prev?.seq ?? 0) + 1;
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const hash = txnHash(prevHash, seq, canonical);
    try {
      insertTxn.run(
        seq,
        req.txnId,
        req.commandId,
        req.kind,
        req.at,
        req.currency,
        body.orderId,
        body.claimId,
        prevHash,
        hash,
      );
    } catch (err) {
      // A txn id seen before: the same posting again is a harmless retry, other content is a
      // conflict. Checked only on the clash so the common path costs no extra lookup.
      if (isConstraint(err, 'SQLITE_CONSTRAINT_UNIQUE'))
        return existingPosting(req.txnId, canonical);
      throw err;
    }

    let volumeFen = 0;
    for (const l of legs) if (l.amountFen > 0) volumeFen += l.amountFen;

    if (req.holdsEscrowOf) {
      const orderId = req.holdsEscrowOf;
      guarded('escrow_already_held', `escrow of order ${orderId} is already held`, () =>
        insertHold.run(orderId, seq, volumeFen),
      );
    }
    if (req.resolvesEscrowOf) {
      const orderId = req.resolvesEscrowOf;
      guarded('escrow_already_resolved', `escrow of order ${orderId} is already resolved`, () =>
        insertResolution.run(orderId, seq),
      );
    }
    if (req.paysClaim) {
      const claimId = req.paysClaim;
      guarded('claim_already_paid', `claim ${claimId} is already paid`, () =>
        insertClaimPayment.run(claimId, body.orderId, seq, volumeFen),
      );
    }

    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!;
      insertEntry.run(seq, i, l.account, l.amountFen);
      try {
        if (addToBalance.run(l.amountFen, req.currency, l.account).changes === 0) {
          insertBalance.run(
            req.currency,
            l.account,
            l.amountFen,
            l.spec.normal === 'debit' ? 1 : -1,
            l.spec.floorZero ? 1 : 0,
          );
        }
      } catch (err) {
        if (isConstraint(err, 'SQLITE_CONSTRAINT_CHECK')) {
          const code =
            l.spec.kind === 'guarantee_fund' ? 'guarantee_fund_insufficient' : 'insufficient_funds';
          throw new DeskError(code, `${l.account} cannot go below zero`);
        }
        throw err;
      }
    }
    return { seq, txnId: req.txnId, hash, duplicate: false };
  }

  const postAtomically = db.transaction(postInTransaction);

  return {
    post: (req) => postAtomically.immediate(req),
    postInTransaction,
    signedBalance: (account, currency) => balanceOf.get(currency, account)?.balance_fen ?? 0,
    precheck,
  };
}
