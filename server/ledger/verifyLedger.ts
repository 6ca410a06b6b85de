import { accountSpec, violatesFloor } from '../../shared/ledger/accounts.ts';
import { FINAL_ORDER_STATUSES } from '../../shared/escrow/types.ts';
import type { Leg } from '../../shared/ledger/types.ts';
import type { Queryable } from '../db/database.ts';
import { chainHash, GENESIS_HASH } from './hashChain.ts';

export interface LedgerProblem {
  code:
    | 'unbalanced_transaction'
    | 'too_few_legs'
    | 'currency_not_zero'
    | 'balance_mismatch'
    | 'floor_violated'
    | 'escrow_not_zero'
    | 'escrow_held_twice'
    | 'escrow_resolved_twice'
    | 'compensation_exceeds_order'
    | 'claim_paid_twice'
    | 'hash_chain_broken'
    | 'unknown_account';
  detail: string;
}

export interface LedgerVerification {
  ok: boolean;
  problems: LedgerProblem[];
  transactions: number;
  headSeq: number;
  headHash: string;
}

/**
 * Every ledger invariant of DESIGN.md, recomputed from the journal rather than trusted from the
 * materialised tables: balanced transactions, a zero total per currency, balances that equal
 * their entries, floors, final orders' escrow at zero, one hold and one resolution per order,
 * compensation at most once per claim and within the order amount, and an unbroken hash chain.
 * Read in one REPEATABLE READ snapshot by the caller when it matters (see the route).
 */
export async function verifyLedger(db: Queryable): Promise<LedgerVerification> {
  const problems: LedgerProblem[] = [];
  const txns = await db.query<{
    seq: number;
    txn_id: string;
    command_id: string;
    kind: string;
    at: number;
    currency: string;
    order_id: string | null;
    prev_hash: string;
    hash: string;
  }>('SELECT * FROM ledger_transactions ORDER BY seq');
  const entries = await db.query<{ txn_id: string; account: string; amount_fen: number }>(
    'SELECT txn_id, account, amount_fen FROM ledger_entries ORDER BY txn_id, leg_no',
  );
  const legsByTxn = new Map<string, Leg[]>();
  for (const e of entries.rows) {
    const legs = legsByTxn.get(e.txn_id) ?? [];
    legs.push({ account: e.account, amountFen: e.amount_fen });
    legsByTxn.set(e.txn_id, legs);
  }

  const fromEntries = new Map<string, number>(); // `${currency}|${account}` → signed sum
  const totalByCurrency = new Map<string, number>();
  const holds = new Map<string, number>();
  const resolutions = new Map<string, number>();
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  for (const t of txns.rows) {
    const legs = legsByTxn.get(t.txn_id) ?? [];
    if (legs.length < 2) problems.push({ code: 'too_few_legs', detail: `txn ${t.txn_id}` });
    const sum = legs.reduce((s, l) => s + l.amountFen, 0);
    if (sum !== 0)
      problems.push({ code: 'unbalanced_transaction', detail: `txn ${t.txn_id} sums to ${sum}` });
    for (const l of legs) {
      const key = `${t.currency}|${l.account}`;
      fromEntries.set(key, (fromEntries.get(key) ?? 0) + l.amountFen);
      totalByCurrency.set(t.currency, (totalByCurrency.get(t.currency) ?? 0) + l.amountFen);
    }
    if (t.kind === 'payment_confirmed' && t.order_id)
      holds.set(t.order_id, (holds.get(t.order_id) ?? 0) + 1);
    if (t.kind.startsWith('escrow_') && t.order_id)
      resolutions.set(t.order_id, (resolutions.get(t.order_id) ?? 0) + 1);
    const expected = chainHash(prevHash, {
      seq: t.seq,
      txnId: t.txn_id,
      commandId: t.command_id,
      kind: t.kind,
      at: t.at,
      currency: t.currency,
      orderId: t.order_id,
      legs,
    });
    if (t.seq !== expectSeq || t.prev_hash !== prevHash || t.hash !== expected)
      problems.push({ code: 'hash_chain_broken', detail: `at seq ${t.seq} (txn ${t.txn_id})` });
    prevHash = t.hash;
    expectSeq = t.seq + 1;
  }
  const head = await db.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM ledger_head WHERE singleton',
  );
  const headRow = head.rows[0] ?? { seq: -1, hash: '' };
  if (headRow.seq !== txns.rows.length || headRow.hash !== prevHash)
    problems.push({
      code: 'hash_chain_broken',
      detail: `head at seq ${headRow.seq} does not match the journal's last transaction`,
    });

  for (const [currency, total] of totalByCurrency)
    if (total !== 0)
      problems.push({ code: 'currency_not_zero', detail: `${currency} sums to ${total}` });

  const stored = await db.query<{ account: string; currency: string; balance_fen: number }>(
    'SELECT account, currency, balance_fen FROM account_balances',
  );
  const storedMap = new Map(stored.rows.map((r) => [`${r.currency}|${r.account}`, r.balance_fen]));
  for (const key of new Set([...storedMap.keys(), ...fromEntries.keys()])) {
    const a = storedMap.get(key) ?? 0;
    const b = fromEntries.get(key) ?? 0;
    if (a !== b)
      problems.push({ code: 'balance_mismatch', detail: `${key}: stored ${a}, entries ${b}` });
    const accountName = key.slice(key.indexOf('|') + 1);
    try {
      accountSpec(accountName);
      if (violatesFloor(accountName, b))
        problems.push({ code: 'floor_violated', detail: `${key} at ${b}` });
    } catch {
      problems.push({ code: 'unknown_account', detail: key });
    }
  }

  for (const [orderId, n] of holds)
    if (n > 1) problems.push({ code: 'escrow_held_twice', detail: `order ${orderId}: ${n}` });
  for (const [orderId, n] of resolutions)
    if (n > 1) problems.push({ code: 'escrow_resolved_twice', detail: `order ${orderId}: ${n}` });

  const finals = await db.query<{ order_id: string; currency: string }>(
    'SELECT order_id, currency FROM orders WHERE status = ANY($1)',
    [FINAL_ORDER_STATUSES as readonly string[]],
  );
  for (const o of finals.rows) {
    const bal = fromEntries.get(`${o.currency}|escrow:order:${o.order_id}`) ?? 0;
    if (bal !== 0)
      problems.push({ code: 'escrow_not_zero', detail: `final order ${o.order_id} holds ${-bal}` });
  }

  const claims = await db.query<{ claim_id: string; paid: number; order_amount: number | null }>(
    `SELECT c.claim_id, c.amount_fen AS paid, o.amount_fen AS order_amount
       FROM claim_payments c LEFT JOIN orders o ON o.order_id = c.order_id`,
  );
  for (const c of claims.rows)
    if (c.order_amount === null || c.paid > c.order_amount)
      problems.push({
        code: 'compensation_exceeds_order',
        detail: `claim ${c.claim_id} paid ${c.paid} of order amount ${c.order_amount}`,
      });
  const compensations = txns.rows.filter((t) => t.kind === 'compensation').length;
  if (compensations !== claims.rows.length)
    problems.push({
      code: 'claim_paid_twice',
      detail: `${compensations} compensation transactions for ${claims.rows.length} paid claims`,
    });

  return {
    ok: problems.length === 0,
    problems,
    transactions: txns.rows.length,
    headSeq: headRow.seq,
    headHash: headRow.hash,
  };
}
