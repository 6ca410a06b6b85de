import { FINAL_ORDER_STATUSES } from '../../shared/escrow/types.ts';
import { createJournalVerifier } from '../../shared/ledger/verifyJournal.ts';
import type { JournalVerification } from '../../shared/ledger/verifyJournal.ts';
import type { Leg } from '../../shared/ledger/types.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { latestRollup, readShardHeads } from './ledgerRollup.ts';

export type { LedgerProblem } from '../../shared/ledger/verifyJournal.ts';
export type LedgerVerification = JournalVerification;

/**
 * Every ledger invariant of DESIGN.md (shared/ledger/verifyJournal.ts), recomputed from the
 * journal rather than trusted from the materialised tables: each shard's chain from its stored
 * entries (a problem names the shard and seq), each shard's stored head, balances per shard
 * sub-account from entries, final orders' escrow, claims paid once, and the newest stored
 * roll-up against the shard heads it names. Read in one REPEATABLE READ snapshot by the caller
 * when it matters (see the route).
 */
export async function verifyLedger(db: Queryable): Promise<LedgerVerification> {
  const rollup = await latestRollup(db);
  const txns = await db.query<{
    shard: number;
    seq: number;
    txn_id: string;
    command_id: string;
    kind: string;
    at: number;
    currency: string;
    order_id: string | null;
    prev_hash: string;
    hash: string;
  }>('SELECT * FROM ledger_transactions ORDER BY shard, seq');
  const entries = await db.query<{ txn_id: string; account: string; amount_fen: number }>(
    'SELECT txn_id, account, amount_fen FROM ledger_entries ORDER BY txn_id, leg_no',
  );
  const legsByTxn = new Map<string, Leg[]>();
  for (const e of entries.rows) {
    const legs = legsByTxn.get(e.txn_id) ?? [];
    legs.push({ account: e.account, amountFen: e.amount_fen });
    legsByTxn.set(e.txn_id, legs);
  }
  const verifier = createJournalVerifier({
    sha256: sha256Hex,
    contiguous: true,
    balancesPerShard: true,
    ...(rollup ? { rollup } : {}),
  });
  for (const t of txns.rows)
    verifier.add({
      shard: Number(t.shard),
      seq: Number(t.seq),
      txnId: t.txn_id,
      commandId: t.command_id,
      kind: t.kind,
      at: t.at,
      currency: t.currency,
      orderId: t.order_id,
      legs: legsByTxn.get(t.txn_id) ?? [],
      prevHash: t.prev_hash,
      hash: t.hash,
    });

  const heads = await readShardHeads(db);
  const stored = await db.query<{
    shard: number;
    account: string;
    currency: string;
    balance_fen: number;
  }>('SELECT shard, account, currency, balance_fen FROM account_balances');
  const finals = await db.query<{ order_id: string; currency: string }>(
    'SELECT order_id, currency FROM orders WHERE status = ANY($1)',
    [FINAL_ORDER_STATUSES as readonly string[]],
  );
  const claims = await db.query<{ claim_id: string; paid: number; order_amount: number | null }>(
    `SELECT c.claim_id, c.amount_fen AS paid, o.amount_fen AS order_amount
       FROM claim_payments c LEFT JOIN orders o ON o.order_id = c.order_id`,
  );
  return verifier.finish({
    heads,
    storedBalances: stored.rows.map((r) => ({
      shard: Number(r.shard),
      currency: r.currency,
      account: r.account,
      balanceFen: r.balance_fen,
    })),
    finalOrders: finals.rows.map((o) => ({ orderId: o.order_id, currency: o.currency })),
    claimPayments: claims.rows.map((c) => ({
      claimId: c.claim_id,
      paidFen: c.paid,
      orderAmountFen: c.order_amount,
    })),
  });
}
