import { accountSpec, isKnownAccount, specViolatesFloor } from './accounts.ts';
import type { AccountSpec } from './accounts.ts';
import { chainHash, GENESIS_HASH } from './chainHash.ts';
import type { ChainedTransaction } from './chainHash.ts';
import { rollupRoot } from './rollup.ts';
import type { ShardHead } from './rollup.ts';
import type { Sha256Hex } from './sha256.ts';
import { parseWithdrawalTxnId } from './withdrawalTxnIds.ts';

/**
 * Every ledger invariant of DESIGN.md as one pure, streaming check, run by the server over its
 * whole journal, by a desk over the part of it its replica holds, and by the simulator. The
 * codes are the product's: a tampered row is named the same way wherever it is found.
 */
export const LEDGER_PROBLEM_CODES = [
  'unbalanced_transaction',
  'too_few_legs',
  'currency_not_zero',
  'balance_mismatch',
  'floor_violated',
  'escrow_not_zero',
  'escrow_held_twice',
  'escrow_resolved_twice',
  'compensation_exceeds_order',
  'claim_paid_twice',
  /** A withdrawal reserved, paid or returned more than once in all. */
  'withdrawal_settled_twice',
  /** A payout or return without its reserve, or of another amount than was reserved. */
  'withdrawal_settlement_mismatch',
  'hash_chain_broken',
  /** The stored platform-wide roll-up does not match the shard heads it names. */
  'rollup_mismatch',
  'unknown_account',
  /** A desk mid-bootstrap: its copy is knowingly partial, so nothing is compared yet. */
  'replica_incomplete',
  /** A desk's scoped chain head differs from the server's fold over the same scope. */
  'replica_diverged',
] as const;
export type LedgerProblemCode = (typeof LEDGER_PROBLEM_CODES)[number];

export interface LedgerProblem {
  code: LedgerProblemCode;
  detail: string;
  /** The journal sequence number the problem was found at, where it belongs to one. */
  seq?: number;
  /** The shard whose chain `seq` belongs to (shards.ts), where the problem belongs to one. */
  shard?: number;
}

/** A journal row as stored: the chained body plus the hashes it was posted with. */
export interface JournalTransaction extends ChainedTransaction {
  prevHash: string;
  hash: string;
  /** chainLegs(legs) (chainLegs.ts), when the caller holds that text: hashed as it is. */
  legsText?: string;
}

export interface JournalVerifierOptions {
  sha256: Sha256Hex;
  /**
   * The whole journal (the server): seqs run 1, 2, 3… and each prevHash is the hash before it.
   * A replica holds only its scope's rows, so it checks each row's own hash and the links
   * between neighbours it holds, and proves the rest by comparing scoped heads with the server.
   */
  contiguous: boolean;
  /**
   * Balances are kept per shard sub-account (the server: one balance row per shard, account
   * and currency): floors and stored balances are checked per sub-account. A replica sums an
   * account over the shards it holds instead (its own accounts live in one shard anyway).
   */
  balancesPerShard?: boolean;
  /** The stored platform-wide roll-up to check: its root, and each head it names. */
  rollup?: { root: string; heads: readonly ShardHead[] };
  /**
   * The rows added continue a run verified apart (a later part of one verify, joined with
   * joinJournalParts): the first row's link to the row before it is left to the join.
   */
  continues?: boolean;
}

export interface JournalContext {
  /** Materialised balances to compare with the entries' sums (per shard with balancesPerShard). */
  storedBalances?: Iterable<{
    currency: string;
    account: string;
    balanceFen: number;
    shard?: number;
  }>;
  /** Orders in a final state: their escrow accounts must be back at zero. */
  finalOrders?: Iterable<{ orderId: string; currency: string }>;
  /** Paid claims: each at most once and within its order's amount. */
  claimPayments?: Iterable<{ claimId: string; paidFen: number; orderAmountFen: number | null }>;
  /** The stored chain heads (contiguous journals): each must be its shard's last seq and hash. */
  heads?: readonly ShardHead[];
  /**
   * Whose sums are complete here. A replica sees every row of its own accounts but only a
   * share of the platform's, so floors and zero totals are checked only where they can hold.
   */
  accountInScope?: (account: string) => boolean;
}

export interface JournalVerification {
  ok: boolean;
  /** Problems at a seq first, in seq order, then the rest. */
  problems: LedgerProblem[];
  transactions: number;
  /** Where each shard's chain ends, in shard order (shards with no row are left out). */
  heads: ShardHead[];
  /** The roll-up root over `heads` (rollup.ts). */
  root: string;
}

export interface JournalVerifier {
  add(txn: JournalTransaction): void;
  /** What the rows added so far amount to, for joinJournalParts (structured-cloneable). */
  part(): JournalTally;
  finish(context?: JournalContext): JournalVerification;
}

/**
 * The running state of a verify over some rows: plain maps and numbers, so a part verified in
 * another thread can be posted back and joined with the others (joinJournalParts).
 */
export interface JournalTally {
  /** Problems at a seq, in row order. */
  problems: LedgerProblem[];
  count: number;
  /** currency → account → signed sum of the entries. */
  sums: Map<string, Map<string, number>>;
  /** With balancesPerShard: shard → currency → account → signed sum of that sub-account. */
  subSums: Map<number, Map<string, Map<string, number>>>;
  totalByCurrency: Map<string, number>;
  /** order id → escrow holds (payment_confirmed rows), and → resolutions (escrow_* rows). */
  holds: Map<string, number>;
  resolutions: Map<string, number>;
  compensations: number;
  /** withdrawal id → what its journal rows moved through payout pending (normal side, fen). */
  withdrawals: Map<
    string,
    { reserves: number; reservedFen: number; settles: number; settledFen: number }
  >;
  /** Shards whose roll-up pin (opts.rollup) was met by a row. */
  pinMatched: Set<number>;
  /** Where each shard's chain stands after the last row added. */
  last: Map<number, { seq: number; hash: string }>;
  /**
   * A part that continues another (opts.continues): its first row, whose link to the row before
   * it is checked when the parts are joined.
   */
  opening: {
    shard: number;
    seq: number;
    prevHash: string;
    txnId: string;
    /** How many problems the row itself was found with (the first of `problems`). */
    problems: number;
    /** Its own hash was wrong: the chain is already named at it. */
    hashBroken: boolean;
  } | null;
}

function emptyTally(): JournalTally {
  return {
    problems: [],
    count: 0,
    sums: new Map(),
    subSums: new Map(),
    totalByCurrency: new Map(),
    holds: new Map(),
    resolutions: new Map(),
    compensations: 0,
    withdrawals: new Map(),
    pinMatched: new Set(),
    last: new Map(),
    opening: null,
  };
}

/** The chain rule between a row and the one before it in its shard (seq 0 and genesis at the start). */
function linkBroken(
  contiguous: boolean,
  before: { seq: number; hash: string },
  t: { seq: number; prevHash: string },
): boolean {
  const linked = contiguous || t.seq === before.seq + 1;
  return (
    t.seq <= before.seq ||
    (contiguous && t.seq !== before.seq + 1) ||
    (linked && t.prevHash !== before.hash)
  );
}

const chainBroken = (shard: number, seq: number, txnId: string): LedgerProblem => ({
  code: 'hash_chain_broken',
  detail: `at shard ${shard} seq ${seq} (txn ${txnId})`,
  seq,
  shard,
});

function addInto<K>(into: Map<K, number>, from: Map<K, number>): void {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
}

function addSums(into: Map<string, Map<string, number>>, from: Map<string, Map<string, number>>) {
  for (const [currency, accounts] of from) {
    const m = into.get(currency);
    if (m) addInto(m, accounts);
    else into.set(currency, accounts);
  }
}

/**
 * Parts verified apart (each a run of rows in (shard, seq) order, in that order, every part but
 * the first made with `continues`) joined into the tally one verifier over all the rows would
 * hold: sums add up, and each part's first row is linked to the row before it, as add() does.
 * The parts are consumed.
 */
export function joinJournalParts(
  opts: Pick<JournalVerifierOptions, 'contiguous'>,
  parts: readonly JournalTally[],
): JournalTally {
  const t = emptyTally();
  for (const p of parts) {
    let problems = p.problems;
    const o = p.opening;
    // At most one chain problem per row: the opening row's own hash may already be named.
    if (o && !o.hashBroken && linkBroken(opts.contiguous, t.last.get(o.shard) ?? GENESIS_ROW, o))
      problems = [
        ...problems.slice(0, o.problems),
        chainBroken(o.shard, o.seq, o.txnId),
        ...problems.slice(o.problems),
      ];
    t.problems.push(...problems);
    t.count += p.count;
    addSums(t.sums, p.sums);
    for (const [shard, byCurrency] of p.subSums) {
      const m = t.subSums.get(shard);
      if (m) addSums(m, byCurrency);
      else t.subSums.set(shard, byCurrency);
    }
    addInto(t.totalByCurrency, p.totalByCurrency);
    addInto(t.holds, p.holds);
    addInto(t.resolutions, p.resolutions);
    t.compensations += p.compensations;
    for (const [id, w] of p.withdrawals) {
      const v = t.withdrawals.get(id);
      if (!v) t.withdrawals.set(id, w);
      else {
        v.reserves += w.reserves;
        v.reservedFen += w.reservedFen;
        v.settles += w.settles;
        v.settledFen += w.settledFen;
      }
    }
    for (const s of p.pinMatched) t.pinMatched.add(s);
    for (const [shard, l] of p.last) t.last.set(shard, l);
  }
  return t;
}

const GENESIS_ROW = { seq: 0, hash: GENESIS_HASH };

export function createJournalVerifier(
  opts: JournalVerifierOptions,
  from: JournalTally = emptyTally(),
): JournalVerifier {
  const t = from;
  const { problems, sums, subSums, totalByCurrency, holds, resolutions, withdrawals, last } = t;
  const sumsOf = (currency: string): Map<string, number> => {
    let m = sums.get(currency);
    if (!m) sums.set(currency, (m = new Map()));
    return m;
  };
  const subSumsOf = (shard: number, currency: string): Map<string, number> => {
    let byCurrency = subSums.get(shard);
    if (!byCurrency) subSums.set(shard, (byCurrency = new Map()));
    let m = byCurrency.get(currency);
    if (!m) byCurrency.set(currency, (m = new Map()));
    return m;
  };
  const pins = new Map((opts.rollup?.heads ?? []).map((h) => [h.shard, h]));
  // Each shard's chain is checked on its own: rows come in (shard, seq) order.
  let shard = -1;
  let lastSeq = 0;
  let lastHash = GENESIS_HASH;
  let awaitingOpening = opts.continues === true && t.count === 0;
  const at = (seq: number, code: LedgerProblemCode, detail: string) =>
    problems.push({ code, detail, seq, shard });
  const settle = () => {
    if (shard >= 0) last.set(shard, { seq: lastSeq, hash: lastHash });
  };

  return {
    add(row) {
      t.count++;
      if (row.shard !== shard) {
        settle();
        shard = row.shard;
        const before = last.get(shard) ?? GENESIS_ROW;
        lastSeq = before.seq;
        lastHash = before.hash;
      }
      if (row.legs.length < 2) at(row.seq, 'too_few_legs', `txn ${row.txnId}`);
      let sum = 0;
      const accounts = sumsOf(row.currency);
      const subAccounts = opts.balancesPerShard ? subSumsOf(row.shard, row.currency) : null;
      for (const l of row.legs) {
        sum += l.amountFen;
        accounts.set(l.account, (accounts.get(l.account) ?? 0) + l.amountFen);
        subAccounts?.set(l.account, (subAccounts.get(l.account) ?? 0) + l.amountFen);
      }
      totalByCurrency.set(row.currency, (totalByCurrency.get(row.currency) ?? 0) + sum);
      if (sum !== 0) at(row.seq, 'unbalanced_transaction', `txn ${row.txnId} sums to ${sum}`);
      if (row.kind === 'payment_confirmed' && row.orderId)
        holds.set(row.orderId, (holds.get(row.orderId) ?? 0) + 1);
      if (row.kind.startsWith('escrow_') && row.orderId)
        resolutions.set(row.orderId, (resolutions.get(row.orderId) ?? 0) + 1);
      if (row.kind === 'compensation') t.compensations++;
      const wd = parseWithdrawalTxnId(row.txnId);
      if (wd) {
        let w = withdrawals.get(wd.withdrawalId);
        if (!w)
          withdrawals.set(
            wd.withdrawalId,
            (w = { reserves: 0, reservedFen: 0, settles: 0, settledFen: 0 }),
          );
        let pendingFen = 0;
        for (const l of row.legs)
          if (l.account.endsWith(':payout_pending')) pendingFen -= l.amountFen;
        if (wd.step === 'reserve') {
          w.reserves++;
          w.reservedFen += pendingFen;
        } else {
          w.settles++;
          w.settledFen -= pendingFen;
        }
      }

      // A continuing part's first row is linked to its predecessor when the parts are joined.
      const opening = awaitingOpening;
      awaitingOpening = false;
      const brokenLink =
        !opening && linkBroken(opts.contiguous, { seq: lastSeq, hash: lastHash }, row);
      const broken =
        brokenLink || row.hash !== chainHash(row.prevHash, row, opts.sha256, row.legsText);
      if (broken) problems.push(chainBroken(shard, row.seq, row.txnId));
      if (opening)
        t.opening = {
          shard,
          seq: row.seq,
          prevHash: row.prevHash,
          txnId: row.txnId,
          problems: problems.length,
          hashBroken: broken,
        };
      const pin = pins.get(row.shard);
      if (pin && pin.seq === row.seq && pin.hash === row.hash) t.pinMatched.add(row.shard);
      lastSeq = row.seq;
      lastHash = row.hash;
    },

    part() {
      settle();
      // An account the part's rows leave at zero adds nothing to a join, and finish() finds
      // nothing at zero but an unknown name: those alone stay. Most of a replica's escrow
      // accounts are paid in and out within one part, so this is most of what a part holds.
      const dropZeros = (accounts: Map<string, number>) => {
        for (const [account, sum] of accounts)
          if (sum === 0 && isKnownAccount(account)) accounts.delete(account);
      };
      for (const accounts of sums.values()) dropZeros(accounts);
      for (const byCurrency of subSums.values())
        for (const accounts of byCurrency.values()) dropZeros(accounts);
      return t;
    },

    finish(ctx = {}) {
      settle();
      const inScope = ctx.accountInScope ?? (() => true);
      const rest: LedgerProblem[] = [];
      for (const h of ctx.heads ?? []) {
        const l = last.get(h.shard) ?? { seq: 0, hash: GENESIS_HASH };
        if (h.seq !== l.seq || h.hash !== l.hash)
          rest.push({
            code: 'hash_chain_broken',
            detail: `shard ${h.shard}: head at seq ${h.seq} does not match the chain's last transaction (seq ${l.seq})`,
            seq: h.seq,
            shard: h.shard,
          });
      }
      if (opts.rollup) {
        const { root, heads } = opts.rollup;
        for (const h of heads) {
          const genesis = h.seq === 0 && h.hash === GENESIS_HASH;
          if (!genesis && !t.pinMatched.has(h.shard))
            rest.push({
              code: 'rollup_mismatch',
              detail: `the roll-up names shard ${h.shard} at seq ${h.seq} with a hash its chain does not have`,
              seq: h.seq,
              shard: h.shard,
            });
        }
        if (rollupRoot(heads, opts.sha256) !== root)
          rest.push({
            code: 'rollup_mismatch',
            detail: `the roll-up root ${root} is not the Merkle root of the heads it names`,
          });
      }
      // Every transaction balances, so any set of whole transactions sums to zero per currency.
      for (const [currency, total] of totalByCurrency)
        if (total !== 0)
          rest.push({ code: 'currency_not_zero', detail: `${currency} sums to ${total}` });

      // Floors and stored balances are per sub-account on the server (one row per shard).
      const groups: Array<[shard: number | undefined, sums: Map<string, Map<string, number>>]> =
        opts.balancesPerShard ? [...subSums] : [[undefined, sums]];
      const stored = new Map<string, Map<string, number>>();
      const storedKey = (shard: number | undefined, currency: string) =>
        `${shard ?? ''}|${currency}`;
      for (const b of ctx.storedBalances ?? []) {
        const k = storedKey(opts.balancesPerShard ? (b.shard ?? 0) : undefined, b.currency);
        let m = stored.get(k);
        if (!m) stored.set(k, (m = new Map()));
        m.set(b.account, b.balanceFen);
        if (opts.balancesPerShard && !subSums.has(b.shard ?? 0)) {
          subSums.set(b.shard ?? 0, new Map());
          groups.push([b.shard ?? 0, subSums.get(b.shard ?? 0)!]);
        }
      }
      for (const [sub, sumsHere] of groups) {
        const currencies = new Set(sumsHere.keys());
        for (const k of stored.keys())
          if (k.startsWith(`${sub ?? ''}|`)) currencies.add(k.slice(k.indexOf('|') + 1));
        const where = sub === undefined ? {} : { shard: sub };
        for (const currency of currencies) {
          const fromEntries = sumsHere.get(currency) ?? new Map<string, number>();
          const kept = stored.get(storedKey(sub, currency));
          const keyOf = (account: string) =>
            `${currency}|${account}${sub === undefined ? '' : ` (shard ${sub})`}`;
          // Once per account (a replica of a million rows holds half a million escrow accounts):
          // one parse of its name, and the key text only for a problem.
          const check = (account: string) => {
            const sum = fromEntries.get(account) ?? 0;
            if (ctx.storedBalances && (kept?.get(account) ?? 0) !== sum)
              rest.push({
                code: 'balance_mismatch',
                detail: `${keyOf(account)}: stored ${kept?.get(account) ?? 0}, entries ${sum}`,
                ...where,
              });
            let spec: AccountSpec;
            try {
              spec = accountSpec(account);
            } catch {
              rest.push({ code: 'unknown_account', detail: keyOf(account) });
              return;
            }
            if (inScope(account) && specViolatesFloor(spec, sum))
              rest.push({
                code: 'floor_violated',
                detail: `${keyOf(account)} at ${sum}`,
                ...where,
              });
          };
          // Stored accounts first, then those only the entries have.
          if (kept) for (const account of kept.keys()) check(account);
          for (const account of fromEntries.keys()) if (!kept?.has(account)) check(account);
        }
      }

      for (const [orderId, n] of holds)
        if (n > 1) rest.push({ code: 'escrow_held_twice', detail: `order ${orderId}: ${n}` });
      for (const [orderId, n] of resolutions)
        if (n > 1) rest.push({ code: 'escrow_resolved_twice', detail: `order ${orderId}: ${n}` });
      for (const o of ctx.finalOrders ?? []) {
        const balance = sums.get(o.currency)?.get(`escrow:order:${o.orderId}`) ?? 0;
        if (balance !== 0)
          rest.push({
            code: 'escrow_not_zero',
            detail: `final order ${o.orderId} holds ${-balance}`,
          });
      }
      for (const [id, w] of withdrawals) {
        if (w.reserves > 1 || w.settles > 1)
          rest.push({
            code: 'withdrawal_settled_twice',
            detail: `withdrawal ${id}: ${w.reserves} reserves, ${w.settles} settlements`,
          });
        else if (w.settles === 1 && (w.reserves === 0 || w.settledFen !== w.reservedFen))
          rest.push({
            code: 'withdrawal_settlement_mismatch',
            detail: `withdrawal ${id}: reserved ${w.reservedFen}, settled ${w.settledFen}`,
          });
      }
      if (ctx.claimPayments) {
        let paid = 0;
        for (const c of ctx.claimPayments) {
          paid++;
          if (c.orderAmountFen === null || c.paidFen > c.orderAmountFen)
            rest.push({
              code: 'compensation_exceeds_order',
              detail: `claim ${c.claimId} paid ${c.paidFen} of order amount ${c.orderAmountFen}`,
            });
        }
        if (t.compensations !== paid)
          rest.push({
            code: 'claim_paid_twice',
            detail: `${t.compensations} compensation transactions for ${paid} paid claims`,
          });
      }
      const all = [...problems, ...rest];
      const heads = [...last]
        .map(([s, h]) => ({ shard: s, seq: h.seq, hash: h.hash }))
        .sort((a, b) => a.shard - b.shard);
      return {
        ok: all.length === 0,
        problems: all,
        transactions: t.count,
        heads,
        root: rollupRoot(heads, opts.sha256),
      };
    },
  };
}
