import { z } from 'zod';
import { orderSchema } from '../contract/domainSchemas.ts';
import { currencyField, epochMsField, signedFenField, uuidField } from '../contract/fields.ts';
import { ERROR_CODES } from '../errors.ts';
import { SHARD_COUNT } from '../ledger/shards.ts';
import type { EscrowCommand, OrderState } from '../escrow/types.ts';

/**
 * Wire types of the sync protocol (docs/sync.md). Both the server's routes and the desk's
 * client parse with these schemas, so a shape change breaks both sides' type-check at once.
 */

/**
 * The sync protocol this build speaks, sent by the desk as the `escrow-sync-protocol` header on
 * every sync request (docs/sync.md, "Versions"). A new change kind, or a new meaning for an old
 * one, raises it: the server keeps sending each desk only what its version understands, and
 * refuses a desk older than MIN_SYNC_PROTOCOL with `upgrade_required` (HTTP 426) rather than
 * send it changes it would have to refuse page after page.
 */
export const SYNC_PROTOCOL = 2;
/**
 * 2: the journal and the change log are ordered per shard (docs/partitioning.md): journal rows
 * carry their shard and a seq within it, cookies hold a cursor per shard, the chain is asked
 * up to a seq per shard. A protocol-1 desk would key rows by seq alone and mis-read cookies,
 * so it is refused (it upgrades, and its replica re-bootstraps: desk migration 0006).
 */
export const MIN_SYNC_PROTOCOL = 2;
export const SYNC_PROTOCOL_HEADER = 'escrow-sync-protocol';

/** The server answers a larger push with `payload_too_large`; the desk never sends one. */
export const MAX_PUSH_MUTATIONS = 500;
/** Pull pages: the server clamps `limit` to this range. */
export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;

export const mutationIdField = z.number().int().min(1);
export const seqField = z.number().int().min(0);

export const errorInfoSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(2000),
});

/**
 * Only "an object" is checked here on purpose: a malformed command must become a permanent
 * rejection that consumes its mutation id (the server runs `validateCommand`), not a 400 for
 * the whole batch, which would stall the desk's queue behind one bad mutation forever.
 */
const commandField = z.custom<EscrowCommand>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'command must be an object',
);

export const mutationSchema = z.object({
  id: mutationIdField,
  commandId: uuidField,
  command: commandField,
  /** The desk's clock when the user acted: shown in history, never used to move money. */
  clientTime: epochMsField,
  /**
   * The desk gives up on this mutation: it failed again and again with errors that should
   * have passed while the server answered everything else. The server records it as rejected
   * (`mutation_stuck`) without applying it, so its id is consumed and the actions behind it
   * move on; the user sees it as a sync issue and may send it again as a new action. A
   * mutation already processed keeps its stored answer.
   */
  abandon: z.literal(true).optional(),
});
export type Mutation = z.output<typeof mutationSchema>;

export const pushRequestSchema = z.object({
  clientId: uuidField,
  mutations: z.array(mutationSchema).min(1).max(MAX_PUSH_MUTATIONS),
});
export type PushRequest = z.output<typeof pushRequestSchema>;

export const mutationStatusField = z.enum(['applied', 'rejected', 'skipped']);
export type MutationStatus = z.output<typeof mutationStatusField>;

export const mutationResultSchema = z.object({
  id: mutationIdField,
  status: mutationStatusField,
  error: errorInfoSchema.optional(),
});
export type MutationResult = z.output<typeof mutationResultSchema>;

export const pushResponseSchema = z.object({
  lastMutationId: seqField,
  results: z.array(mutationResultSchema),
});
export type PushResponse = z.output<typeof pushResponseSchema>;

export const pullRequestSchema = z.object({
  clientId: uuidField,
  /** Opaque to the desk; null starts a bootstrap. Holds a cursor per shard of the scope. */
  cookie: z.string().max(1000).nullable(),
  limit: z.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
});
export type PullRequest = z.output<typeof pullRequestSchema>;

export const legSchema = z.object({ account: z.string().max(200), amountFen: signedFenField });

export const syncedTxnSchema = z.object({
  /** The shard whose chain it belongs to (shared/ledger/shards.ts). */
  shard: z
    .number()
    .int()
    .min(0)
    .max(SHARD_COUNT - 1),
  /** Its sequence number within the shard's chain (a scope sees gaps). */
  seq: z.number().int().min(1),
  txnId: z.string().max(100),
  /** The command that posted it. */
  commandId: z.string().max(100),
  kind: z.string().max(40),
  at: epochMsField,
  currency: currencyField,
  orderId: z.string().max(80).nullable(),
  legs: z.array(legSchema).min(2),
  /** The hash of the journal row before it (it may lie outside this scope). */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The server's chain hash of this transaction (hex sha-256), recomputed by the desk. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SyncedTxn = z.output<typeof syncedTxnSchema>;

/** One entry of an order's timeline (the server's `order_events` row with its actor). */
export const syncedOrderEventSchema = z.object({
  orderId: z.string().max(80),
  version: z.number().int().min(1),
  type: z.string().max(60),
  at: epochMsField,
  commandId: z.string().max(100),
  actor: z.object({ role: z.string().max(40), userId: z.string().max(200) }),
  event: z.record(z.string(), z.unknown()),
});
export type SyncedOrderEvent = z.output<typeof syncedOrderEventSchema>;

export const orderChangeSchema = z.object({ kind: z.literal('order'), order: orderSchema });
export const txnChangeSchema = z.object({ kind: z.literal('ledger_txn'), txn: syncedTxnSchema });
export const orderEventChangeSchema = z.object({
  kind: z.literal('order_event'),
  entry: syncedOrderEventSchema,
});
export const rejectionChangeSchema = z.object({
  kind: z.literal('rejection'),
  mutationId: mutationIdField,
  commandId: uuidField,
  command: commandField,
  error: errorInfoSchema,
});
export const changeSchema = z.discriminatedUnion('kind', [
  orderChangeSchema,
  txnChangeSchema,
  orderEventChangeSchema,
  rejectionChangeSchema,
]);
/** `orderSchema` is the contract's output shape of `OrderState`; the type is the domain's. */
export type Change =
  | { kind: 'order'; order: OrderState }
  | { kind: 'ledger_txn'; txn: SyncedTxn }
  | { kind: 'order_event'; entry: SyncedOrderEvent }
  | z.output<typeof rejectionChangeSchema>;
export type RejectionChange = Extract<Change, { kind: 'rejection' }>;

export const pullResponseSchema = z.object({
  cookie: z.string().max(300),
  lastMutationId: seqField,
  changes: z.array(changeSchema),
  more: z.boolean(),
});
export interface PullResponse {
  cookie: string;
  lastMutationId: number;
  changes: Change[];
  more: boolean;
}

/**
 * `GET /v1/sync/chain`: `upTo` is the journal seq to fold to in each shard, a shard vector
 * (shardVector.ts; a shard it does not name is folded to 0, i.e. not at all); `cookie`, the
 * desk's pull cookie, names the scope as it stood at that pull (the agents' scope grows as
 * claims are filed). Rows are folded in (shard, seq) order.
 */
export const chainQuerySchema = z.object({
  upTo: z.string().max(400),
  cookie: z.string().min(1).max(1000).optional(),
});
export type ChainQuery = { upTo: string; cookie: string | null };
export const chainResponseSchema = z.object({
  upTo: z.string().max(400),
  /** How many transactions of the scope were folded. */
  count: seqField,
  head: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ChainResponse = z.output<typeof chainResponseSchema>;
