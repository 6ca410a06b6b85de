import { GENESIS_HASH, foldScopedChain } from '../../shared/ledger/chainHash.ts';
import { SHARDS, shardOf } from '../../shared/ledger/shards.ts';
import type { ChainResponse } from '../../shared/sync/protocol.ts';
import { encodeShardVector } from '../../shared/sync/shardVector.ts';
import type { ShardVector } from '../../shared/sync/shardVector.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { merchantAccounts } from '../../shared/ledger/accounts.ts';
import { agentOrderPredicate } from './syncScope.ts';
import type { SyncScope } from './syncScope.ts';

/**
 * `GET /v1/sync/chain?upTo=&cookie=` — the scoped hash chain (docs/sync.md) over the journal
 * rows the caller's scope may see with seq <= upTo[shard], folded in (shard, seq) order: the
 * same rows a pull delivers, so a desk that has pulled up to there folds to the same head. A
 * seller's scope lies in its merchant's shard only. The agents' scope grows as claims are
 * filed; `asOf` (the change-log cursors of the desk's cookie) takes it as it stood at that
 * pull, so an order that entered since, and that the desk has not been sent yet, is not
 * counted.
 */
export async function scopedChainHead(
  db: Queryable,
  scope: SyncScope,
  upTo: ShardVector,
  asOf: ShardVector | null = null,
): Promise<ChainResponse> {
  const shards = [...upTo].filter(([, seq]) => seq > 0).sort(([a], [b]) => a - b);
  const shardIds = shards.map(([p]) => p);
  const seqs = shards.map(([, q]) => q);
  let hashes: string[] = [];
  if (scope.kind === 'merchant') {
    const p = shardOf(scope.merchantId);
    const to = upTo.get(p) ?? 0;
    if (to > 0) {
      const r = await db.query<{ hash: string }>(
        `SELECT t.seq, t.hash FROM orders o
           JOIN ledger_transactions t ON t.order_id = o.order_id AND t.shard = $4
         WHERE o.merchant_id = $1 AND o.shard = $4 AND t.seq <= $2
         UNION ALL
         SELECT t.seq, t.hash FROM ledger_transactions t
         WHERE t.shard = $4 AND t.seq <= $2 AND t.order_id IS NULL AND t.txn_id IN (
           SELECT e.txn_id FROM ledger_entries e
            WHERE e.shard = $4 AND e.account = ANY($3::text[]))
         ORDER BY seq`,
        [scope.merchantId, to, merchantAccounts(scope.merchantId), p],
      );
      hashes = r.rows.map((row) => row.hash);
    }
  } else if (shards.length > 0) {
    const cut = asOf ?? new Map(SHARDS.map((p) => [p, Number.MAX_SAFE_INTEGER]));
    const asOfEntries = [...cut].sort(([a], [b]) => a - b);
    const r = await db.query<{ hash: string }>(
      `SELECT t.hash FROM ledger_transactions t
         JOIN unnest($1::smallint[], $2::bigint[]) AS upto(shard, seq) ON upto.shard = t.shard
       WHERE t.seq <= upto.seq AND t.order_id IN (
         SELECT o.order_id FROM orders o WHERE ${agentOrderPredicate('$3', '$4')})
       ORDER BY t.shard, t.seq`,
      [shardIds, seqs, asOfEntries.map(([p]) => p), asOfEntries.map(([, q]) => q)],
    );
    hashes = r.rows.map((row) => row.hash);
  }
  const head = foldScopedChain(GENESIS_HASH, hashes, sha256Hex);
  return { upTo: encodeShardVector(upTo), count: hashes.length, head };
}
