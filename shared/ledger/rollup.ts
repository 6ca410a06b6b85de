import { GENESIS_HASH } from './chainHash.ts';
import type { Sha256Hex } from './sha256.ts';

/** Where one shard's chain stands: its last seq and that transaction's hash (GENESIS at 0). */
export interface ShardHead {
  shard: number;
  seq: number;
  hash: string;
}

/**
 * The platform-wide head (docs/partitioning.md): a Merkle root over every shard's head, in
 * shard order. No command waits on it; it is computed periodically from the heads as they
 * stand and stored, and it proves the whole journal up to the per-shard seqs it names. Leaves
 * are `sha256("leaf|shard|seq|hash")`; each level hashes pairs `sha256("node|l|r")`, an odd
 * last node rising unchanged. Domain-separated, so a leaf can never pass for a node.
 */
export function rollupRoot(heads: readonly ShardHead[], sha256: Sha256Hex): string {
  const sorted = [...heads].sort((a, b) => a.shard - b.shard);
  let level = sorted.map((h) => sha256(`leaf|${h.shard}|${h.seq}|${h.hash}`));
  if (level.length === 0) return GENESIS_HASH;
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? sha256(`node|${level[i]}|${level[i + 1]}`) : level[i]!);
    level = next;
  }
  return level[0]!;
}
