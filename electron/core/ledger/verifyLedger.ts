import { violatesFloor } from '../../../shared/ledger/accounts.ts';
import { FINAL_ORDER_STATUSES } from '../../../shared/escrow/types.ts';
import type { OrderState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { GENESIS_HASH, canonicalBody, txnHash } from './hashChain.ts';

export interface LedgerProblem {
  code: string;
  detail: string;
}

export interface LedgerReport {
  ok: boolean;
  problems: LedgerProblem[];
  checked: {
    txns: number;
    entries: number;
    accounts: number;
    orders: number;
    holds: number;
    resolutions: number;
    claimPayments: number;
  };
}

/** Reported problems are capped so a badly broken file still yields a readable report. */
const MAX_PROBLEMS = 200;

const ESCROW_RESOLUTION_KINDS = ['escrow_release', 'escrow_refund', 'escrow_split'];

/**
 * Checks every ledger invariant of DESIGN.md against what is on disk, trusting neither the
 * application nor the materialised tables: balances are recomputed from entries, guards are
 * cross-checked with the journal, and the hash chain is recomputed from the first row.
 * Read-only; run it inside a read transaction for a consistent snapshot.
 */
export function verifyLedger(db: Db): LedgerReport {
  return db.transaction(() => verifySnapshot(db))();
}

function verifySnapshot(db: Db): LedgerReport {
  const problems: LedgerProblem[] = [];
  const report = (code: string, detail: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ code, detail });
  };
  const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  const count = (table: string) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  // 1. Every transaction has two or more entries that sum to zero.
  for (const r of all<{ seq: number; n: number; total: number }>(
    `SELECT t.seq, COUNT(e.seq) AS n, COALESCE(SUM(e.amount_fen), 0) AS total
       FROM ledger_txns t LEFT JOIN ledger_entries e ON e.seq = t.seq
      GROUP BY t.seq HAVING n < 2 OR total <> 0`,
  )) {
    report('unbalanced_txn', `txn #${r.seq} has ${r.n} entries summing to ${r.total}`);
  }
  for (const r of all<{ seq: number }>(
    'SELECT DISTINCT e.seq FROM ledger_entries e LEFT JOIN ledger_txns t ON t.seq = e.seq WHERE t.seq IS NULL',
  )) {
    report('orphan_entries', `entries of txn #${r.seq} have no journal row`);
  }

  // 2. Per currency, all balances sum to zero (both materialised and from entries).
  for (const r of all<{ currency: string; total: number }>(
    'SELECT currency, SUM(balance_fen) AS total FROM account_balances GROUP BY currency HAVING total <> 0',
  )) {
    report('currency_not_zero', `balances in ${r.currency} sum to ${r.total}`);
  }

  // 3. Materialised balances equal the sum of entries, account by account, both ways round.
  for (const r of all<{ currency: string; account: string; stored: number; summed: number }>(
    `WITH summed AS (
       SELECT t.currency, e.account, SUM(e.amount_fen) AS total
         FROM ledger_entries e JOIN ledger_txns t ON t.seq = e.seq
        GROUP BY t.currency, e.account)
     SELECT b.currency, b.account, b.balance_fen AS stored, COALESCE(s.total, 0) AS summed
       FROM account_balances b
       LEFT JOIN summed s ON s.currency = b.currency AND s.account = b.account
      WHERE b.balance_fen <> COALESCE(s.total, 0)
     UNION ALL
     SELECT s.currency, s.account, 0, s.total
       FROM summed s
       LEFT JOIN account_balances b ON b.currency = s.currency AND b.account = s.account
      WHERE b.account IS NULL`,
  )) {
    report(
      'balance_mismatch',
      `${r.account} (${r.currency}) stores ${r.stored} but its entries sum to ${r.summed}`,
    );
  }

  // 4. Floor-zero accounts are not on the wrong side of zero (the schema's CHECK may be gone).
  const balances = all<{ currency: string; account: string; balance_fen: number }>(
    'SELECT currency, account, balance_fen FROM account_balances',
  );
  for (const b of balances) {
    let bad: boolean;
    try {
      bad = violatesFloor(b.account, b.balance_fen);
    } catch {
      report('unknown_account', `${b.account} is not in the chart of accounts`);
      continue;
    }
    if (bad) report('negative_balance', `${b.account} (${b.currency}) is at ${b.balance_fen}`);
  }

  // 5. Orders agree with their escrow account and timeline; final orders hold nothing.
  const escrowOf = new Map<string, number>();
  for (const b of balances) {
    if (b.account.startsWith('escrow:order:')) {
      escrowOf.set(b.account.slice('escrow:order:'.length), b.balance_fen);
    }
  }
  const finals = new Set<string>(FINAL_ORDER_STATUSES);
  const orders = all<{
    order_id: string;
    status: string;
    held_fen: number;
    version: number;
    events: number;
    max_version: number | null;
  }>(
    `SELECT o.order_id, o.status, o.held_fen, o.version,
            (SELECT COUNT(*) FROM order_events e WHERE e.order_id = o.order_id) AS events,
            (SELECT MAX(version) FROM order_events e WHERE e.order_id = o.order_id) AS max_version
       FROM orders o`,
  );
  for (const o of orders) {
    const escrowFen = -(escrowOf.get(o.order_id) ?? 0);
    if (finals.has(o.status) && escrowFen !== 0) {
      report(
        'final_order_escrow_not_zero',
        `order ${o.order_id} is ${o.status} but holds ${escrowFen}`,
      );
    }
    if (o.held_fen !== escrowFen) {
      report(
        'order_escrow_mismatch',
        `order ${o.order_id} says it holds ${o.held_fen}, its escrow account ${escrowFen}`,
      );
    }
    if (o.events !== o.version || (o.max_version ?? 0) !== o.version) {
      report(
        'order_version_mismatch',
        `order ${o.order_id} is at version ${o.version} with ${o.events} events`,
      );
    }
  }
  for (const r of all<{ order_id: string }>(
    'SELECT DISTINCT e.order_id FROM order_events e LEFT JOIN orders o ON o.order_id = e.order_id WHERE o.order_id IS NULL',
  )) {
    report('orphan_events', `events of order ${r.order_id} have no order`);
  }

  // 6. Each hold at most once, each resolution at most once and only after a hold; the guard
  //    tables agree with the journal.
  const kindList = ESCROW_RESOLUTION_KINDS.map((k) => `'${k}'`).join(', ');
  for (const r of all<{ order_id: string; holds: number; resolutions: number }>(
    `SELECT order_id,
            SUM(kind = 'payment_confirmed') AS holds,
            SUM(kind IN (${kindList})) AS resolutions
       FROM ledger_txns WHERE order_id IS NOT NULL
      GROUP BY order_id
     HAVING holds > 1 OR resolutions > 1 OR resolutions > holds`,
  )) {
    if (r.holds > 1) report('escrow_held_twice', `order ${r.order_id} was held ${r.holds} times`);
    if (r.resolutions > 1) {
      report('escrow_resolved_twice', `order ${r.order_id} was resolved ${r.resolutions} times`);
    }
    if (r.resolutions > r.holds) {
      report('resolution_without_hold', `order ${r.order_id} was resolved but never held`);
    }
  }
  for (const r of all<{ order_id: string; seq: number }>(
    `SELECT h.order_id, h.seq FROM escrow_holds h LEFT JOIN ledger_txns t ON t.seq = h.seq
      WHERE t.seq IS NULL OR t.kind <> 'payment_confirmed' OR t.order_id IS NOT h.order_id
     UNION ALL
     SELECT t.order_id, t.seq FROM ledger_txns t LEFT JOIN escrow_holds h ON h.seq = t.seq
      WHERE t.kind = 'payment_confirmed' AND h.seq IS NULL`,
  )) {
    report(
      'hold_guard_mismatch',
      `hold guard and journal disagree for order ${r.order_id} (txn #${r.seq})`,
    );
  }
  for (const r of all<{ order_id: string; seq: number }>(
    `SELECT r.order_id, r.seq FROM escrow_resolutions r LEFT JOIN ledger_txns t ON t.seq = r.seq
      WHERE t.seq IS NULL OR t.kind NOT IN (${kindList}) OR t.order_id IS NOT r.order_id
     UNION ALL
     SELECT t.order_id, t.seq FROM ledger_txns t LEFT JOIN escrow_resolutions r ON r.seq = t.seq
      WHERE t.kind IN (${kindList}) AND r.seq IS NULL`,
  )) {
    report(
      'resolution_guard_mismatch',
      `resolution guard and journal disagree for order ${r.order_id} (txn #${r.seq})`,
    );
  }
  for (const r of all<{ order_id: string }>(
    'SELECT r.order_id FROM escrow_resolutions r LEFT JOIN escrow_holds h ON h.order_id = r.order_id WHERE h.order_id IS NULL',
  )) {
    report('resolution_without_hold', `order ${r.order_id} has a resolution guard but no hold`);
  }

  // 7. Compensation: at most one payment per claim, never more than the claim's amount.
  const payments = all<{ claim_id: string; order_id: string | null; n: number; paid: number }>(
    `SELECT t.claim_id, MIN(t.order_id) AS order_id, COUNT(DISTINCT t.seq) AS n,
            SUM(CASE WHEN e.amount_fen > 0 THEN e.amount_fen ELSE 0 END) AS paid
       FROM ledger_txns t JOIN ledger_entries e ON e.seq = t.seq
      WHERE t.kind = 'compensation'
      GROUP BY t.claim_id`,
  );
  const stateOf = db.prepare('SELECT state_json FROM orders WHERE order_id = ?');
  for (const p of payments) {
    if (p.claim_id === null) {
      report('compensation_without_claim', `${p.n} compensation txn(s) name no claim`);
      continue;
    }
    if (p.n > 1) report('claim_paid_twice', `claim ${p.claim_id} was paid ${p.n} times`);
    const row =
      p.order_id === null
        ? undefined
        : (stateOf.get(p.order_id) as { state_json: string } | undefined);
    const claim = row
      ? (JSON.parse(row.state_json) as OrderState).claims.find((c) => c.claimId === p.claim_id)
      : undefined;
    if (!claim) {
      report('compensation_unknown_claim', `claim ${p.claim_id} was paid but is not on its order`);
    } else if (p.paid > claim.amountFen) {
      report(
        'compensation_exceeds_claim',
        `claim ${p.claim_id} paid ${p.paid} of ${claim.amountFen}`,
      );
    }
  }
  for (const r of all<{ claim_id: string }>(
    `SELECT c.claim_id FROM claim_payments c LEFT JOIN ledger_txns t ON t.seq = c.seq
      WHERE t.seq IS NULL OR t.kind <> 'compensation' OR t.claim_id IS NOT c.claim_id
     UNION ALL
     SELECT t.claim_id FROM ledger_txns t LEFT JOIN claim_payments c ON c.seq = t.seq
      WHERE t.kind = 'compensation' AND c.seq IS NULL`,
  )) {
    report('claim_guard_mismatch', `claim guard and journal disagree for claim ${r.claim_id}`);
  }

  // 8. The hash chain: consecutive seqs from 1, each prev_hash the previous hash, each hash
  //    recomputed from the row and its entries.
  const txns = db
    .prepare(
      'SELECT seq, txn_id, command_id, kind, at, currency, order_id, claim_id, prev_hash, hash FROM ledger_txns ORDER BY seq',
    )
    .iterate() as IterableIterator<{
    seq: number;
    txn_id: string;
    command_id: string;
    kind: string;
    at: number;
    currency: string;
    order_id: string | null;
    claim_id: string | null;
    prev_hash: string;
    hash: string;
  }>;
  const entries = db
    .prepare('SELECT seq, account, amount_fen FROM ledger_entries ORDER BY seq, leg')
    .iterate() as IterableIterator<{ seq: number; account: string; amount_fen: number }>;
  let pendingEntry = entries.next();
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let txnCount = 0;
  for (const t of txns) {
    txnCount++;
    const legs: { account: string; amountFen: number }[] = [];
    while (!pendingEntry.done && pendingEntry.value.seq < t.seq) pendingEntry = entries.next();
    while (!pendingEntry.done && pendingEntry.value.seq === t.seq) {
      legs.push({ account: pendingEntry.value.account, amountFen: pendingEntry.value.amount_fen });
      pendingEntry = entries.next();
    }
    if (t.seq !== expectedSeq) {
      report('chain_gap', `expected txn #${expectedSeq}, found #${t.seq}`);
    }
    if (t.prev_hash !== prevHash) {
      report('chain_broken', `txn #${t.seq} does not link to the previous hash`);
    }
    const body = canonicalBody({
      txnId: t.txn_id,
      commandId: t.command_id,
      kind: t.kind,
      at: t.at,
      currency: t.currency,
      orderId: t.order_id,
      claimId: t.claim_id,
      legs,
    });
    if (txnHash(t.prev_hash, t.seq, body) !== t.hash) {
      report('hash_mismatch', `txn #${t.seq} does not match its hash`);
    }
    prevHash = t.hash;
    expectedSeq = t.seq + 1;
  }
  if (!pendingEntry.done) entries.return?.();

  return {
    ok: problems.length === 0,
    problems,
    checked: {
      txns: txnCount,
      entries: count('ledger_entries'),
      accounts: balances.length,
      orders: orders.length,
      holds: count('escrow_holds'),
      resolutions: count('escrow_resolutions'),
      claimPayments: count('claim_payments'),
    },
  };
}
