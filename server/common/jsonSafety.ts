import { textProblem as sharedTextProblem } from '../../shared/text.ts';

/**
 * Bounds for untrusted JSON, checked by one iterative walk BEFORE anything recursive (schemas,
 * canonical JSON, JSON.stringify, PostgreSQL's jsonb) sees the value (DESIGN.md "Security
 * rules"): nesting deeper than a bound, U+0000 (PostgreSQL text and jsonb cannot hold it), and
 * unpaired UTF-16 surrogates (not text; the database would mangle or refuse them).
 */

/** Deepest nesting accepted in a request body or a command (the deepest real one is ~6). */
export const MAX_JSON_DEPTH = 32;

export type JsonProblem = { code: 'invalid_text' | 'nesting_too_deep'; message: string };

/** Whether a string is text a server may store: the shared text rule (shared/text.ts). */
export function isSafeText(s: string): boolean {
  return sharedTextProblem(s) === null;
}

/**
 * The first problem found in a parsed JSON value, or null. Iterative (an explicit stack), so a
 * value nested a million levels deep is answered without recursion. `depth` counts containers:
 * `{}` and `[]` are depth 1, `{"a":[1]}` is depth 2. Object keys are checked like strings.
 */
export function findJsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop() as { v: unknown; d: number };
    if (typeof v === 'string') {
      if (!isSafeText(v)) return textProblem();
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > maxDepth)
      return {
        code: 'nesting_too_deep',
        message: `JSON nested deeper than ${maxDepth} levels is refused`,
      };
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ v: item, d: d + 1 });
    } else {
      for (const [k, item] of Object.entries(v)) {
        if (!isSafeText(k)) return textProblem();
        stack.push({ v: item, d: d + 1 });
      }
    }
  }
  return null;
}

function textProblem(): JsonProblem {
  return {
    code: 'invalid_text',
    message: 'text must not contain U+0000 or unpaired surrogates',
  };
}

/**
 * PostgreSQL refused the data itself, not the moment: class 22 (data exception: bad text,
 * out-of-range number…), 23 (integrity constraint), 54 (program limit exceeded, e.g. too
 * deep or too large). Retrying the same input would fail the same way, for ever.
 */
export function isDataError(err: unknown): boolean {
  // Fastify's own errors (body too large, …) may be RangeErrors too; they carry their status.
  if (typeof (err as { statusCode?: unknown } | null)?.statusCode === 'number') return false;
  if (err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

/** A short description of a data error for the stored rejection (no values, no internals). */
export function dataErrorMessage(err: unknown): string {
  if (err instanceof RangeError) return 'the input is too large or too deep to process';
  const code = (err as { code?: unknown } | null)?.code;
  return `the database refused this data (SQLSTATE ${String(code)})`;
}
