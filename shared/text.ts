/**
 * The text rule of the design ("Text never carries U+0000 or unpaired surrogates"), as one pure
 * predicate the desk contract, the core and the server can all apply. NUL truncates C strings
 * (SQLite's FTS tokenizer, PostgreSQL's text type refuses it outright) and a lone surrogate is
 * not Unicode at all: neither can be stored, hashed or sent on faithfully, so neither is
 * accepted at the edge.
 */

export type TextProblem = 'nul' | 'lone_surrogate';

// Without the `u` flag a regex sees UTF-16 code units, which is what finds a half of a pair.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with this text, or null when it is fine to store and send. */
export function textProblem(text: string): TextProblem | null {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return null;
}

// The same two problems, everywhere in a string, for cleaning rather than refusing.
const UNSAFE_ALL = new RegExp(`\u0000|${LONE_SURROGATE.source}`, 'g');

/** A string made storable (for stubs of refused input): NUL and lone surrogates become U+FFFD. */
export function cleanText(text: string, max = 200): string {
  return text.slice(0, max).replace(UNSAFE_ALL, '\uFFFD');
}

/** For people: what the problem is, never the text itself (it may be huge or unprintable). */
export function describeTextProblem(problem: TextProblem): string {
  return problem === 'nul'
    ? 'text must not contain the NUL character (U+0000)'
    : 'text must not contain an unpaired UTF-16 surrogate';
}
