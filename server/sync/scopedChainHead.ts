import { SCOPED_CHAIN_GENESIS, foldScopedChain } from '../../shared/sync/scopedChain.ts';
import type { ChainResponse } from '../../shared/sync/protocol.ts';
import { sha256Hex } from '../common/canonicalJson.ts';
import type { Queryable } from '../db/database.ts';
import { AGENT_ORDER_PREDICATE } from './syncScope.ts';
import type { SyncScope } from './syncScope.ts';

/**
 * `GET /v1/sync/chain?upTo=` — the scoped hash chain (docs/sync.md) over the journal rows the
 * caller's scope may see with seq <= upTo: the same rows a pull delivers, so a desk that has
 * pulled up to there folds to the same head.
 */
export async function scopedChainHead(
  db: Queryable,
  scope: SyncScope,
  upTo: number,
): Promise<ChainResponse> {
  const r =
    scope.kind === 'merchant'
      ? await db.query<{ hash: string }>(
          `SELECT t.hash FROM ledger_transactions t
           WHERE t.seq <= $2 AND (
             t.order_id IN (SELECT o.order_id FROM orders o WHERE o.merchant_id = $1)
             OR EXISTS (SELECT 1 FROM ledger_entries e WHERE e.txn_id = t.txn_id
                        AND e.account LIKE 'merchant:' || $1 || ':%'))
           ORDER BY t.seq`,
          [scope.merchantId, upTo],
        )
      : await db.query<{ hash: string }>(
          `SELECT t.hash FROM ledger_transactions t
           WHERE t.seq <= $1 AND t.order_id IN (
             SELECT o.order_id FROM orders o WHERE ${AGENT_ORDER_PREDICATE})
           ORDER BY t.seq`,
          [upTo],
        );
  const head = foldScopedChain(
    SCOPED_CHAIN_GENESIS,
    r.rows.map((row) => row.hash),
    sha256Hex,
  );
  return { upTo, count: r.rows.length, head };
}
