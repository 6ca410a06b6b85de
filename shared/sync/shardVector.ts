import { SHARD_COUNT, isShard } from '../ledger/shards.ts';

/**
 * A position per shard (docs/partitioning.md): a pull cookie's change-log cursors, or the
 * journal seqs a replica's scoped chain is folded to. Written `shard:seq,shard:seq` in shard
 * order; a shard a vector does not name is at 0 there.
 */
export type ShardVector = ReadonlyMap<number, number>;

const INT = /^(0|[1-9][0-9]{0,15})$/;

export function encodeShardVector(v: ShardVector): string {
  return [...v]
    .sort(([a], [b]) => a - b)
    .map(([shard, seq]) => `${shard}:${seq}`)
    .join(',');
}

/** Null for anything malformed: a bad shard, a repeated shard, a seq that is no safe count. */
export function parseShardVector(text: string): Map<number, number> | null {
  const v = new Map<number, number>();
  if (text === '') return v;
  const parts = text.split(',');
  if (parts.length > SHARD_COUNT) return null;
  for (const part of parts) {
    const [s, q, extra] = part.split(':');
    if (extra !== undefined || s === undefined || q === undefined) return null;
    if (!INT.test(s) || !INT.test(q)) return null;
    const shard = Number(s);
    if (!isShard(shard) || v.has(shard)) return null;
    v.set(shard, Number(q));
  }
  return v;
}
