/**
 * The partitions of the journal and the change log (docs/partitioning.md): a fixed set of
 * shards keyed by merchant, `shard = fnv1a32(merchantId) mod SHARD_COUNT`. Every order, its
 * escrow account, its journal rows and its changes live in its merchant's shard, so no escrow
 * command crosses shards; each shard has its own hash chain, change sequence and platform
 * sub-accounts. The count is fixed at creation: moving a merchant is a re-sharding operation,
 * never a command. Pure, so the server, the desk and the simulator agree on every shard.
 */
export const SHARD_COUNT = 16;

/** Every shard id, in shard order (the order of locks, roll-ups and cursor vectors). */
export const SHARDS: readonly number[] = Array.from({ length: SHARD_COUNT }, (_, i) => i);

/**
 * Postings that belong to no merchant and are not split (reconciliation adjustments) live in
 * this shard: a named, single-shard home rather than a transaction spanning shards.
 */
export const PLATFORM_SHARD = 0;

/** FNV-1a over the UTF-16 code units: stable across runtimes, no crypto needed. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard of a merchant: where its orders, postings and changes are ordered. */
export function shardOf(merchantId: string): number {
  return fnv1a32(`merchant:${merchantId}`) % SHARD_COUNT;
}

/**
 * The home shard of something that belongs to no merchant but must live in one shard (an
 * agent desk's rejections): a different namespace, so it never collides with shardOf's input.
 */
export function shardOfKey(key: string): number {
  return fnv1a32(`key:${key}`) % SHARD_COUNT;
}

export function isShard(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < SHARD_COUNT;
}
