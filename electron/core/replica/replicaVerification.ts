import { FINAL_ORDER_STATUSES } from '../../../shared/escrow/types.ts';
import { isKnownAccount } from '../../../shared/ledger/accounts.ts';
import { createJournalVerifier } from '../../../shared/ledger/verifyJournal.ts';
import type { JournalContext, LedgerProblem } from '../../../shared/ledger/verifyJournal.ts';
import type { Db } from '../store/openDatabase.ts';
import { createSyncMeta } from '../sync/syncMeta.ts';
import type { SyncTransport } from '../sync/syncTransport.ts';
import type { JournalPartsOptions } from './journalParts.ts';
import {
  foldSegments,
  journalSegments,
  journalShards,
  readJournal,
  sha256Hex,
} from './journalParts.ts';
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
export interface ReplicaVerification {
  ok: boolean;
  /** Local problems first (in seq order), then the comparison with the server's chain. */
  problems: LedgerProblem[];
  transactions: number;
  comparedWithServer: boolean;
}

/** How the journal is read (journalParts.ts): workers, and the addon they load in Electron. */
export type VerifyOptions = Omit<JournalPartsOptions, 'sha256'>;

/** Whose sums this replica sees in full: its orders' escrow, and the merchant's own accounts. */
function accountInScope(merchantId: string | null): (account: string) => boolean {
  return (account) =>
    account.startsWith('escrow:order:') ||
    (merchantId !== null && account.startsWith(`merchant:${merchantId}:`));
}

/**
 * The stored balances the journal's sums must be checked against: every one but those at zero
 * under a known name. Such a row can only be wrong if the entries sum to something else, and
 * then the verifier names the account anyway (an account the entries have and no stored row
 * has is stored at zero). Nearly every row is one: each order's escrow account, paid in and out
 * again; a million journal rows leave half a million, and comparing them one by one was a
 * second of the calling thread after the workers had finished.
 */
function storedBalancesToCheck(
  db: Db,
): Array<{ currency: string; account: string; balanceFen: number }> {
  const rows: Array<{ currency: string; account: string; balanceFen: number }> = [];
  const all = db
    .prepare<[], [currency: string, account: string, balanceFen: number]>(
      'SELECT currency, account, balance_fen FROM sync_balances',
    )
    .raw();
  for (const [currency, account, balanceFen] of all.iterate())
    if (balanceFen !== 0 || !isKnownAccount(account)) rows.push({ currency, account, balanceFen });
  return rows;
}

/** What the journal's sums are checked against, read at the same moment as the checkpoint. */
function journalContext(db: Db, merchantId: string | null): JournalContext {
  const statuses = FINAL_ORDER_STATUSES.map(() => '?').join(', ');
  return {
    storedBalances: storedBalancesToCheck(db),
    finalOrders: db
      .prepare<string[], { orderId: string; currency: string }>(
        `SELECT order_id AS orderId, json_extract(state_json, '$.currency') AS currency
           FROM sync_orders WHERE status IN (${statuses})`,
      )
      .all(...FINAL_ORDER_STATUSES),
    accountInScope: accountInScope(merchantId),
  };
}

/**
 * The local part, and the scoped chain for the comparison with the server, from one
 * checkpoint: every journal row up to it is rehashed from its legs and its links, balances and
 * invariants are checked, and the scoped chain is folded, in workers (journalParts.ts). Nothing
 * may write the replica until this resolves (the sync client holds its rounds back).
 */
export async function verifyReplicaJournal(
  db: Db,
  merchantId: string | null,
  opts: VerifyOptions = {},
): Promise<{
  local: ReplicaVerification;
  checkpoint: ReplicaCheckpoint;
  /** How many workers delivered their part (0: all read in this thread). */
  workers: number;
}> {
  // Bounds, workers and context in one synchronous go: nothing writes the replica meanwhile.
  // The context (half a million stored balances a million rows) is read while the workers
  // start and read: before them, it was a second of one core alone.
  const bounds = checkpointBounds(db);
  const read = readJournal(db, journalSegments(db, bounds.upTo), { sha256: sha256Hex, ...opts });
  const context = journalContext(db, merchantId);
  const checkpoint = { ...bounds, local: await read.fold };
  const verifier = createJournalVerifier(
    { sha256: sha256Hex, contiguous: false },
    await read.tally,
  );
  const report = verifier.finish(context);
  return {
    local: {
      ok: report.ok,
      problems: report.problems,
      transactions: report.transactions,
      comparedWithServer: false,
    },
    checkpoint,
    workers: await read.workers,
  };
}

/** The scoped chain over the rows held with seq <= upTo[shard], in (shard, seq) order. */
export function localScopedHead(db: Db, upTo: ShardVector): { head: string; count: number } {
  return foldSegments(db, journalSegments(db, upTo), sha256Hex);
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

/** Where a checkpoint is, without the fold: read in one synchronous go. */
function checkpointBounds(db: Db, upTo?: ShardVector): Omit<ReplicaCheckpoint, 'local'> {
  const meta = createSyncMeta(db);
  return {
    upTo: upTo ?? new Map(journalShards(db).map((s) => [s.shard, s.last])),
    cookie: meta.get('cookie'),
    complete: meta.get('bootstrapped') === '1',
  };
}

/** At `upTo`, by default the newest journal row this replica holds in each shard. */
export function replicaCheckpoint(db: Db, upTo?: ShardVector): ReplicaCheckpoint {
  const bounds = checkpointBounds(db, upTo);
  return { ...bounds, local: localScopedHead(db, bounds.upTo) };
}

/**
 * Both parts. Offline, the local checks still run and say so (`comparedWithServer: false`);
 * mid-bootstrap the replica is knowingly partial (`replica_incomplete`), so nothing is asked.
 */
export async function verifyReplica(
  db: Db,
  transport: SyncTransport,
  merchantId: string | null,
  opts: VerifyOptions = {},
): Promise<ReplicaVerification> {
  const { local, checkpoint } = await verifyReplicaJournal(db, merchantId, opts);
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
