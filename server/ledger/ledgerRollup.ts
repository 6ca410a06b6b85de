import { rollupRoot } from '../../shared/ledger/rollup.ts';
import type { ShardHead } from '../../shared/ledger/rollup.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';

export interface LedgerRollup {
  at: number;
  /** The Merkle root over `heads` (shared/ledger/rollup.ts). */
  root: string;
  heads: ShardHead[];
}

/** Every shard's head as committed now, read in one statement (one snapshot: a true cut). */
export async function readShardHeads(db: Queryable): Promise<ShardHead[]> {
  const r = await db.query<{ shard: number; ledger_seq: number; ledger_hash: string }>(
    'SELECT shard, ledger_seq, ledger_hash FROM shard_heads ORDER BY shard',
  );
  return r.rows.map((row) => ({
    shard: Number(row.shard),
    seq: Number(row.ledger_seq),
    hash: row.ledger_hash,
  }));
}

/**
 * Takes the platform-wide head: reads the shard heads without locking them (no writer waits
 * on a roll-up) and stores their Merkle root, unless the newest stored roll-up already names
 * exactly these heads. Run periodically by the timer scheduler; a root pins the whole journal
 * up to the seqs it names, for reconciliation reports and auditors.
 */
export async function takeRollup(db: Queryable, now: number): Promise<LedgerRollup> {
  const heads = await readShardHeads(db);
  const root = rollupRoot(heads, sha256Hex);
  const last = await latestRollup(db);
  if (last && last.root === root && JSON.stringify(last.heads) === JSON.stringify(heads))
    return last;
  await db.query('INSERT INTO ledger_rollups (at, root, heads) VALUES ($1, $2, $3::jsonb)', [
    now,
    root,
    JSON.stringify(heads),
  ]);
  return { at: now, root, heads };
}

export async function latestRollup(db: Queryable): Promise<LedgerRollup | null> {
  const r = await db.query<{ at: number; root: string; heads: ShardHead[] }>(
    'SELECT at, root, heads FROM ledger_rollups ORDER BY id DESC LIMIT 1',
  );
  const row = r.rows[0];
  return row ? { at: Number(row.at), root: row.root, heads: row.heads } : null;
}
