import { GENESIS_HASH, foldScopedChain } from '../../shared/ledger/chainHash.ts';
import type { ChainResponse } from '../../shared/sync/protocol.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { agentOrderPredicate, merchantAccounts } from './syncScope.ts';
import type { SyncScope } from './syncScope.ts';

/**
 * `GET /v1/sync/chain?upTo=&cookie=` — the scoped hash chain (docs/sync.md) over the journal
 * rows the caller's scope may see with seq <= upTo: the same rows a pull delivers, so a desk
 * that has pulled up to there folds to the same head. The agents' scope grows as claims are
 * filed; `asOf` (the change-log seq of the desk's cookie) takes it as it stood at that pull, so
 * an order that entered since, and that the desk has not been sent yet, is not counted.
 */
export async function scopedChainHead(
  db: Queryable,
  scope: SyncScope,
  upTo: number,
  asOf: number | null = null,
): Promise<ChainResponse> {
  const r =
    scope.kind === 'merchant'
      ? await db.query<{ hash: string }>(
          `SELECT t.seq, t.hash FROM orders o
             JOIN ledger_transactions t ON t.order_id = o.order_id
           WHERE o.merchant_id = $1 AND t.seq <= $2
           UNION ALL
           SELECT t.seq, t.hash FROM ledger_transactions t
           WHERE t.seq <= $2 AND t.order_id IS NULL AND t.txn_id IN (
             SELECT e.txn_id FROM ledger_entries e WHERE e.account = ANY($3::text[]))
           ORDER BY seq`,
          [scope.merchantId, upTo, merchantAccounts(scope.merchantId)],
        )
      : await db.query<{ hash: string }>(
          `SELECT t.seq, t.hash FROM ledger_transactions t
           WHERE t.seq <= $1 AND t.order_id IN (
             SELECT o.order_id FROM orders o WHERE ${agentOrderPredicate('$2')})
           ORDER BY t.seq`,
          [upTo, asOf ?? Number.MAX_SAFE_INTEGER],
        );
  const head = foldScopedChain(
    GENESIS_HASH,
    r.rows.map((row) => row.hash),
    sha256Hex,
  );
  return { upTo, count: r.rows.length, head };
}
