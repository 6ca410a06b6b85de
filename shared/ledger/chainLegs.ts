import type { Leg } from './types.ts';

/**
 * A transaction's legs as the chain hash writes them (chainHash.ts): `[{"account":…,
 * "amountFen":…},…]`, in leg order. A desk stores its journal rows' legs in exactly this text,
 * so its verify hashes the stored text as it is and reads the legs back with
 * parseChainLegs instead of JSON.parse: over a million rows those two were a fifth of the
 * verify.
 */
export function chainLegs(legs: readonly Leg[]): string {
  let out = '';
  for (let i = 0; i < legs.length; i++) {
    const l = legs[i]!;
    out += `${i ? ',' : ''}{"account":${JSON.stringify(l.account)},"amountFen":${JSON.stringify(l.amountFen)}}`;
  }
  return `[${out}]`;
}

const ACCOUNT = '{"account":"';
const AMOUNT = '","amountFen":';

/**
 * The legs of a chainLegs text, or null when the text is anything else (other key order,
 * spaces, escapes, a number written another way): the caller then uses JSON.parse. Whatever
 * this accepts, JSON.parse reads as the same legs and chainLegs writes back as the same text,
 * so the text may be hashed in place of the legs.
 */
export function parseChainLegs(text: string): Leg[] | null {
  if (text.charCodeAt(0) !== 91 /* [ */ || text.charCodeAt(text.length - 1) !== 93 /* ] */)
    return null;
  const legs: Leg[] = [];
  let i = 1;
  const end = text.length - 1;
  if (i === end) return legs;
  for (;;) {
    if (!text.startsWith(ACCOUNT, i)) return null;
    const from = i + ACCOUNT.length;
    const to = text.indexOf('"', from);
    if (to < 0) return null;
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      // What JSON.stringify would escape: control characters, backslash, lone surrogates.
      if (c < 0x20 || c === 92 /* \ */ || (c >= 0xd800 && c <= 0xdfff)) return null;
    }
    if (!text.startsWith(AMOUNT, to)) return null;
    const numFrom = to + AMOUNT.length;
    let j = numFrom;
    if (text.charCodeAt(j) === 45 /* - */) j++;
    const digitsFrom = j;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) break;
      j++;
    }
    const digits = j - digitsFrom;
    // JSON numbers have no leading zeros, -0 is written 0, and anything longer than a safe
    // integer is left to JSON.parse.
    const zero = text.charCodeAt(digitsFrom) === 48;
    if (digits === 0 || digits > 15 || (zero && (digits > 1 || digitsFrom > numFrom))) return null;
    if (text.charCodeAt(j) !== 125 /* } */) return null;
    legs.push({ account: text.slice(from, to), amountFen: Number(text.slice(numFrom, j)) });
    i = j + 1;
    if (i === end) return legs;
    if (text.charCodeAt(i) !== 44 /* , */) return null;
    i++;
  }
}
