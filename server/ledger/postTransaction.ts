import { DeskError } from '../../shared/errors.ts';
import { accountSpec, account } from '../../shared/ledger/accounts.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import { isCurrency } from '../../shared/money.ts';
import type { Queryable } from '../db/database.ts';
import { chainHash } from '../../shared/ledger/chainHash.ts';
import { sha256Hex } from '../common/sha256.ts';

export interface PostedTransaction {
  seq: number;
  txnId: string;
  /** The journal's head before this row: a replica rehashes the row from it. */
  prevHash: string;
  hash: string;
}

/**
 * Appends one balanced transaction to the journal inside the caller's database transaction.
 * Lock order is always the chain head, then balance rows sorted by account name, so two
 * postings never deadlock. Floors are enforced by the balances table's CHECK constraint and
 * reported with a precise error code.
 */
export async function postTransaction(
  tx: Queryable,
  req: PostingRequest,
): Promise<PostedTransaction> {
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

  const head = await tx.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM ledger_head WHERE singleton FOR UPDATE',
  );
  const prev = head.rows[0];
  if (!prev) throw new DeskError('internal', 'ledger head missing');

  // Per account, in account order: make sure the row exists, then add the net amount. (One
  // upsert would not do: PostgreSQL checks CHECK constraints on the row it proposes to insert
  // even when that row then conflicts.) The balances table's CHECK refuses a floor crossing;
  // which account failed is known here, so the refusal gets its precise code (the caller's
  // savepoint undoes the aborted statement).
  const accounts = [...netByAccount.keys()].sort();
  for (const name of accounts) {
    const spec = accountSpec(name);
    await tx.query(
      `INSERT INTO account_balances (account, currency, normal, floor_zero)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [name, req.currency, spec.normal, spec.floorZero],
    );
    try {
      await tx.query(
        `UPDATE account_balances SET balance_fen = balance_fen + $3
         WHERE account = $1 AND currency = $2`,
        [name, req.currency, netByAccount.get(name) ?? 0],
      );
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      const constraint = (err as { constraint?: unknown }).constraint;
      if (code === '23514' && constraint === 'balance_safe_range')
        throw new DeskError('invalid_amount', `${name} would leave the safe integer range`);
      if (code === '23514')
        throw name === account.guaranteeFund()
          ? new DeskError('guarantee_fund_insufficient', 'the guarantee fund cannot cover this')
          : new DeskError('insufficient_funds', `${name} would go below zero`);
      if (code === '22003') throw new DeskError('invalid_amount', 'balance overflows');
      throw err;
    }
  }

  const seq = prev.seq + 1;
  const orderId = req.orderId ?? null;
  const hash = chainHash(
    prev.hash,
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
  await tx.query(
    `INSERT INTO ledger_transactions
       (seq, txn_id, command_id, kind, at, currency, order_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [seq, req.txnId, req.commandId, req.kind, req.at, req.currency, orderId, prev.hash, hash],
  );
  const values = req.legs.map((_, i) => `($1, ${i}, $${2 * i + 2}, $${2 * i + 3})`).join(', ');
  await tx.query(
    `INSERT INTO ledger_entries (txn_id, leg_no, account, amount_fen) VALUES ${values}`,
    [req.txnId, ...req.legs.flatMap((l) => [l.account, l.amountFen])],
  );
  await tx.query('UPDATE ledger_head SET seq = $1, hash = $2 WHERE singleton', [seq, hash]);

  if (req.holdsEscrowOf !== undefined) {
    const r = await tx.query(
      'INSERT INTO escrow_holds (order_id, txn_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [req.holdsEscrowOf, req.txnId],
    );
    if (r.rowCount === 0)
      throw new DeskError('escrow_already_held', 'this order is already paid into escrow');
  }
  if (req.resolvesEscrowOf !== undefined) {
    const r = await tx.query(
      'INSERT INTO escrow_resolutions (order_id, txn_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [req.resolvesEscrowOf, req.txnId],
    );
    if (r.rowCount === 0)
      throw new DeskError('escrow_already_resolved', 'this order’s escrow is already resolved');
  }
  if (req.paysClaim !== undefined) {
    const paid = req.legs.filter((l) => l.amountFen < 0).reduce((s, l) => s - l.amountFen, 0);
    const r = await tx.query(
      `INSERT INTO claim_payments (claim_id, order_id, amount_fen, txn_id)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [req.paysClaim, orderId ?? '', paid, req.txnId],
    );
    if (r.rowCount === 0) throw new DeskError('claim_already_paid', 'this claim is already paid');
  }
  if (req.settlesWithdrawal !== undefined) {
    const r = await tx.query(
      `INSERT INTO withdrawal_settlements (withdrawal_id, txn_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [req.settlesWithdrawal, req.txnId],
    );
    if (r.rowCount === 0)
      throw new DeskError('withdrawal_already_settled', 'this withdrawal is already settled');
  }
  return { seq, txnId: req.txnId, prevHash: prev.hash, hash };
}
