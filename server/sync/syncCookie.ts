import { DeskError } from '../../shared/errors.ts';

/**
 * Pull cookies. Opaque to the desk; here they name where the next page starts:
 * - snapshot `s1.<hw>.<lmid>.<phase>.<key>`: bootstrap in progress at change-log high water
 *   mark `hw` (with the client's lastMutationId at that moment), in phase `o` (orders, key = last
 *   order id), `t` (journal rows, key = last seq) or `r` (this client's rejections, key = last
 *   change seq);
 * - log `l1.<seq>`: every visible change up to `seq` has been delivered.
 */
export type SyncCookie =
  | { kind: 'snapshot'; hw: number; lmid: number; phase: 'o' | 't' | 'r'; key: string }
  | { kind: 'log'; seq: number };

const INT = /^(0|[1-9][0-9]{0,15})$/;

export function encodeCookie(c: SyncCookie): string {
  return c.kind === 'log' ? `l1.${c.seq}` : `s1.${c.hw}.${c.lmid}.${c.phase}.${c.key}`;
}

/** Null for anything this server did not make (the desk then starts over with a bootstrap). */
export function decodeCookie(text: string): SyncCookie | null {
  if (text.startsWith('l1.')) {
    const seq = text.slice(3);
    return INT.test(seq) ? { kind: 'log', seq: Number(seq) } : null;
  }
  if (text.startsWith('s1.')) {
    const parts = text.slice(3).split('.');
    const [hw, lmid, phase] = parts;
    const key = parts.slice(3).join('.');
    if (parts.length < 4 || !hw || !lmid || !INT.test(hw) || !INT.test(lmid)) return null;
    if (phase !== 'o' && phase !== 't' && phase !== 'r') return null;
    if (phase !== 'o' && key !== '' && !INT.test(key)) return null;
    return { kind: 'snapshot', hw: Number(hw), lmid: Number(lmid), phase, key };
  }
  return null;
}

/**
 * The change-log seq a scoped chain is taken "as of" for a desk holding `cookie`: a log
 * cookie's seq. Without one (or mid-bootstrap, when the replica is partial anyway) the scope
 * is taken as it stands now.
 */
export function chainAsOf(cookie: string | undefined): number | null {
  if (cookie === undefined) return null;
  const c = decodeCookie(cookie);
  if (c === null) throw new DeskError('invalid_input', 'unknown sync cookie');
  return c.kind === 'log' ? c.seq : null;
}
