import { isCommandId } from '../../shared/ledger/commandIds.ts';
import { sha256Hex } from './sha256.ts';

/**
 * A command id the server derives from other ids (a timer's from its order, version and due
 * time; a bank's from its notification or payout result): the parts joined by ':' when that
 * fits the one command id rule (shared/ledger/commandIds.ts, 100 characters), else the prefix
 * and a digest of the parts. An order id may be 80 characters, so a timer id spelled out could
 * be longer than the rule allows, and the write path refuses such an id before anything else:
 * that order's timers would never fire.
 */
export function derivedCommandId(prefix: string, ...parts: ReadonlyArray<string | number>): string {
  const plain = [prefix, ...parts].join(':');
  return isCommandId(plain) ? plain : `${prefix}:h:${sha256Hex(parts.join(':'))}`;
}
