import { DeskError } from '../../shared/errors.ts';
import { encodeShardVector, parseShardVector } from '../../shared/sync/shardVector.ts';
import type { ShardVector } from '../../shared/sync/shardVector.ts';

/**
 * Pull cookies (protocol 2). Opaque to the desk; here they name where the next page starts,
 * with one change-log cursor per shard of the desk's scope (docs/partitioning.md: a seller
 * desk's vector names its merchant's shard only):
 * - snapshot `s2.<hw>.<lmid>.<phase>.<key>`: bootstrap in progress at the change-log high water
 *   marks `hw` (a shard vector, with the client's lastMutationId at that moment), in phase `o`
 *   (orders, key = last order id), `t` (journal rows of the merchant's shard, key = last seq) or
 *   `r` (this client's rejections in its home shard, key = last change seq);
 * - log `l2.<cursors>`: every visible change of each shard up to its cursor has been delivered.
 * Protocol-1 cookies (`l1.`, `s1.`) are unknown here, so an old replica starts over.
 */
export type SyncCookie =
  | { kind: 'snapshot'; hw: ShardVector; lmid: number; phase: 'o' | 't' | 'r'; key: string }
  | { kind: 'log'; cursors: ShardVector };

const INT = /^(0|[1-9][0-9]{0,15})$/;

export function encodeCookie(c: SyncCookie): string {
  return c.kind === 'log'
    ? `l2.${encodeShardVector(c.cursors)}`
    : `s2.${encodeShardVector(c.hw)}.${c.lmid}.${c.phase}.${c.key}`;
}

/** Null for anything this server did not make (the desk then starts over with a bootstrap). */
export function decodeCookie(text: string): SyncCookie | null {
  if (text.startsWith('l2.')) {
    const cursors = parseShardVector(text.slice(3));
    return cursors && cursors.size > 0 ? { kind: 'log', cursors } : null;
  }
  if (text.startsWith('s2.')) {
    const parts = text.slice(3).split('.');
    const [hwText, lmid, phase] = parts;
    const key = parts.slice(3).join('.');
    if (parts.length < 4 || hwText === undefined || !lmid || !INT.test(lmid)) return null;
    const hw = parseShardVector(hwText);
    if (!hw || hw.size === 0) return null;
    if (phase !== 'o' && phase !== 't' && phase !== 'r') return null;
    if (phase !== 'o' && key !== '' && !INT.test(key)) return null;
    return { kind: 'snapshot', hw, lmid: Number(lmid), phase, key };
  }
  return null;
}

/**
 * The change-log cursors a scoped chain is taken "as of" for a desk holding `cookie`: a log
 * cookie's. Without one (or mid-bootstrap, when the replica is partial anyway) the scope is
 * taken as it stands now.
 */
export function chainAsOf(cookie: string | undefined): ShardVector | null {
  if (cookie === undefined) return null;
  const c = decodeCookie(cookie);
  if (c === null) throw new DeskError('invalid_input', 'unknown sync cookie');
  return c.kind === 'log' ? c.cursors : null;
}
