/**
 * JSON text with every character outside ASCII written as a `\uXXXX` escape: the same JSON
 * value, in bytes that are all below 0x80. Pull pages are sent this way (pullChanges.ts). A
 * merchant's orders are full of Chinese (titles, names, addresses), and a desk decoding a
 * bootstrap page spent more on turning its UTF-8 into a string (and parsing the two-byte string
 * that made) than on anything else it does with the page: an ASCII page decodes in a fifth of
 * the time and parses faster (docs/desk-apply-cost.md), for about 6 % more bytes on the wire.
 *
 * Works on UTF-16 code units, so a character beyond the BMP becomes its surrogate pair
 * (`\ud83c\udf75`), which JSON.parse joins back. Only valid for JSON text: the escapes land
 * inside strings because JSON has no non-ASCII outside them.
 */
export function asciiJson(text: string): string {
  return text.replace(NON_ASCII, escapeChar);
}

const NON_ASCII = /[\u0080-\uffff]/g;

/** Escapes by code unit, made once each: a page repeats the same few thousand characters. */
const escapes: string[] = [];

function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  return (escapes[c] ??= `\\u${c.toString(16).padStart(4, '0')}`);
}
