import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { SHARDS, shardOf, shardOfKey } from '../../shared/ledger/shards.ts';
import { masksRecipients } from '../http/sellerView.ts';

/**
 * Who may see what through sync (docs/sync.md "Visibility"): a seller role sees its merchant's
 * orders and the journal rows of those orders or of `merchant:<id>:*`; an agent sees the orders
 * that have (or had) a claim or an escalated refund and their journal rows; nobody else syncs.
 */
export type SyncScope =
  | {
      kind: 'merchant';
      merchantId: string;
      /** Seller staff receive recipients masked (http/sellerView.ts `masksRecipients`). */
      maskRecipients: boolean;
    }
  | { kind: 'agent' };

export function syncScopeOf(actor: Actor): SyncScope {
  if ((actor.role === 'seller_staff' || actor.role === 'seller_admin') && actor.merchantId) {
    return {
      kind: 'merchant',
      merchantId: actor.merchantId,
      maskRecipients: masksRecipients(actor.role),
    };
  }
  if (actor.role === 'agent' || actor.role === 'senior_agent') return { kind: 'agent' };
  throw new DeskError('forbidden', `role ${actor.role} does not sync`);
}

/** The events that bring an order into the agents' scope. */
export const AGENT_SCOPE_EVENT_TYPES = ['claim_filed', 'refund_escalated'] as const;
/** The same list as an SQL literal list (constants only, never user input). */
export const AGENT_SCOPE_TYPES_SQL = AGENT_SCOPE_EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * SQL predicate over `orders o` for an agent: the order has (or had) a claim or an escalated
 * refund, as of the change-log cursors given as two SQL array expressions (shards, seqs):
 * its entry is at or below its shard's cursor. "Had" keeps the scope monotone: an order never
 * leaves it, so the journal rows an agent desk holds stay in the server's scoped chain after
 * the escalation is resolved. Entries are kept by a trigger (sync migrations 102 and 800).
 */
export function agentOrderPredicate(shards: string, seqs: string): string {
  return `o.order_id IN (SELECT ase.order_id FROM agent_scope_entries ase
    JOIN unnest(${shards}::smallint[], ${seqs}::bigint[]) AS asof(shard, seq)
      ON asof.shard = ase.shard WHERE ase.change_seq <= asof.seq)`;
}

/**
 * The shards a scope's desks pull (docs/partitioning.md): a seller desk only its merchant's,
 * an agents' desk every shard (claims come from every merchant).
 */
export function scopeShards(scope: SyncScope): readonly number[] {
  return scope.kind === 'merchant' ? [shardOf(scope.merchantId)] : SHARDS;
}

/**
 * Where a desk's rejections are logged, so one shard's cursor finds them: a seller desk's
 * merchant shard (its cookie holds no other), an agent desk's own shard by client id.
 */
export function clientHomeShard(scope: SyncScope, clientId: string): number {
  return scope.kind === 'merchant' ? shardOf(scope.merchantId) : shardOfKey(clientId);
}
