import { hash } from 'node:crypto';
import { FINAL_ORDER_STATUSES } from '../../../shared/escrow/types.ts';
import { GENESIS_HASH, foldScopedChain } from '../../../shared/ledger/chainHash.ts';
import { parseChainLegs } from '../../../shared/ledger/chainLegs.ts';
import type { Sha256Hex } from '../../../shared/ledger/sha256.ts';
import type { Leg } from '../../../shared/ledger/types.ts';
import { createJournalVerifier } from '../../../shared/ledger/verifyJournal.ts';
import type { LedgerProblem } from '../../../shared/ledger/verifyJournal.ts';
import type { Db } from '../store/openDatabase.ts';
import { createSyncMeta } from '../sync/syncMeta.ts';
import type { SyncTransport } from '../sync/syncTransport.ts';
import { encodeShardVector } from '../../../shared/sync/shardVector.ts';
import type { ShardVector } from '../../../shared/sync/shardVector.ts';

/**
 * Replica verification (docs/sync.md), in two parts:
 * 1. Local: every journal row the replica holds is rehashed from the legs it holds (the
 *    shared chainHash over the server's prev_hash), neighbours' links are checked, balances
 *    are re-summed and the invariants that hold within a scope are checked: the same
 *    shared/ledger checks and codes as the server's verify, so a legs row edited in place is
 *    `hash_chain_broken` at its seq on either side.
 * 2. Against the server: the scoped chain folded over those hashes up to a seq equals the
 *    server's fold over the same scope as of the same cookie, so no row is missing or added.
 */
export const sha256Hex: Sha256Hex = (text) => hash('sha256', text, 'hex');

export interface ReplicaVerification {
  ok: boolean;
  /** Local problems first (in seq order), then the comparison with the server's chain. */
  problems: LedgerProblem[];
  transactions: number;
  comparedWithServer: boolean;
}

type JournalRow = [
  shard: number,
  seq: number,
  txnId: string,
  commandId: string,
  kind: string,
  at: number,
  currency: string,
  orderId: string | null,
  legsJson: string,
  prevHash: string,
  hash: string,
];

/** Whose sums this replica sees in full: its orders' escrow, and the merchant's own accounts. */
function accountInScope(merchantId: string | null): (account: string) => boolean {
  return (account) =>
    account.startsWith('escrow:order:') ||
    (merchantId !== null && account.startsWith(`merchant:${merchantId}:`));
}

/** The local part: recomputes every hash and invariant from the rows the replica holds. */
export function verifyReplicaJournal(db: Db, merchantId: string | null): ReplicaVerification {
  const verifier = createJournalVerifier({ sha256: sha256Hex, contiguous: false });
  // Rows as arrays (better-sqlite3's raw mode): a million rows are read here, and building a
  // keyed object per row only to copy it into the verifier's shape cost a fifth of the verify.
  const rows = db
    .prepare<[], JournalRow>(
      `SELECT shard, seq, txn_id, command_id, kind, at, currency, order_id, legs_json, prev_hash,
              hash
         FROM sync_txns ORDER BY shard, seq`,
    )
    .raw()
    .iterate() as IterableIterator<JournalRow>;
  for (const [
    shard,
    seq,
    txnId,
    commandId,
    kind,
    at,
    currency,
    orderId,
    legsJson,
    prevHash,
    hash,
  ] of rows) {
    // Stored as chainLegs writes them (replicaStore.ts): read without JSON.parse and hashed as
    // they are. Text in any other form (an older replica, an edited row) is parsed as JSON.
    const legs = parseChainLegs(legsJson);
    verifier.add({
      shard,
      seq,
      txnId,
      commandId,
      kind,
      at,
      currency,
      orderId,
      legs: legs ?? (JSON.parse(legsJson) as Leg[]),
      legsText: legs ? legsJson : undefined,
      prevHash,
      hash,
    });
  }
  const statuses = FINAL_ORDER_STATUSES.map(() => '?').join(', ');
  const report = verifier.finish({
    storedBalances: db
      .prepare<[], { currency: string; account: string; balanceFen: number }>(
        'SELECT currency, account, balance_fen AS balanceFen FROM sync_balances',
      )
      .all(),
    finalOrders: db
      .prepare<string[], { orderId: string; currency: string }>(
        `SELECT order_id AS orderId, json_extract(state_json, '$.currency') AS currency
           FROM sync_orders WHERE status IN (${statuses})`,
      )
      .all(...FINAL_ORDER_STATUSES),
    accountInScope: accountInScope(merchantId),
  });
  return {
    ok: report.ok,
    problems: report.problems,
    transactions: report.transactions,
    comparedWithServer: false,
  };
}

/** The scoped chain over the rows held with seq <= upTo[shard], in (shard, seq) order. */
export function localScopedHead(db: Db, upTo: ShardVector): { head: string; count: number } {
  const rows = db
    .prepare<[string], { hash: string }>(
      `SELECT t.hash FROM sync_txns t
         JOIN json_each(?) v ON CAST(v.key AS INTEGER) = t.shard
        WHERE t.seq <= v.value ORDER BY t.shard, t.seq`,
    )
    .iterate(JSON.stringify(Object.fromEntries(upTo)));
  let count = 0;
  function* hashes(): Generator<string> {
    for (const r of rows) {
      count++;
      yield r.hash;
    }
  }
  const head = foldScopedChain(GENESIS_HASH, hashes(), sha256Hex);
  return { head, count };
}

/** What a replica claims to hold, read in one synchronous go (no await between the reads). */
export interface ReplicaCheckpoint {
  /** The journal seq folded to, per shard. */
  upTo: ShardVector;
  /** The pull cookie the fold belongs to: the server's chain is taken as of it. */
  cookie: string | null;
  /** The first download has finished; before that no seq is a fair place to compare. */
  complete: boolean;
  local: { head: string; count: number };
}

/** At `upTo`, by default the newest journal row this replica holds in each shard. */
export function replicaCheckpoint(db: Db, upTo?: ShardVector): ReplicaCheckpoint {
  const meta = createSyncMeta(db);
  const at =
    upTo ??
    new Map(
      db
        .prepare<[], { shard: number; m: number }>(
          'SELECT shard, max(seq) AS m FROM sync_txns GROUP BY shard',
        )
        .all()
        .map((r) => [r.shard, r.m]),
    );
  return {
    upTo: at,
    cookie: meta.get('cookie'),
    complete: meta.get('bootstrapped') === '1',
    local: localScopedHead(db, at),
  };
}

/**
 * Both parts. Offline, the local checks still run and say so (`comparedWithServer: false`);
 * mid-bootstrap the replica is knowingly partial (`replica_incomplete`), so nothing is asked.
 */
export async function verifyReplica(
  db: Db,
  transport: SyncTransport,
  merchantId: string | null,
): Promise<ReplicaVerification> {
  const checkpoint = replicaCheckpoint(db);
  const local = verifyReplicaJournal(db, merchantId);
  if (!checkpoint.complete) {
    const problem: LedgerProblem = {
      code: 'replica_incomplete',
      detail: `the first download from the server is not finished (${checkpoint.local.count} journal rows so far); verify again when it is`,
    };
    return { ...local, ok: false, problems: [...local.problems, problem] };
  }
  let server: { head: string; count: number };
  try {
    server = await transport.chain({
      upTo: encodeShardVector(checkpoint.upTo),
      cookie: checkpoint.cookie,
    });
  } catch {
    return local;
  }
  const matches = checkpoint.local.head === server.head && checkpoint.local.count === server.count;
  const problems = matches
    ? local.problems
    : [
        ...local.problems,
        {
          code: 'replica_diverged' as const,
          detail: `local head ${checkpoint.local.head} (${checkpoint.local.count} rows) ≠ server ${server.head} (${server.count} rows) up to ${encodeShardVector(checkpoint.upTo)}`,
        },
      ];
  return {
    ok: problems.length === 0,
    problems,
    transactions: local.transactions,
    comparedWithServer: true,
  };
}
