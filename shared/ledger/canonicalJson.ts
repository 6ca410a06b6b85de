/**
 * JSON with object keys sorted at every level, so equal values always serialise (and hash)
 * equally whatever built them or in which order a client wrote its keys. `undefined` and
 * function members are dropped, as JSON.stringify would.
 *
 * Depth is bounded before it can hurt: a command nested thousands of levels deep would
 * otherwise overflow the stack, and that RangeError used to surface as a retryable 503 that
 * stalled a desk's sync queue for good. Past MAX_JSON_DEPTH this throws JsonTooDeepError,
 * which callers treat as a permanent rejection of the input.
 */
export const MAX_JSON_DEPTH = 64;

export class JsonTooDeepError extends Error {
  constructor(readonly maxDepth: number) {
    super(`the value is nested deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

export function canonicalJson(value: unknown, maxDepth: number = MAX_JSON_DEPTH): string {
  return write(value, 0, maxDepth);
}

function write(value: unknown, depth: number, maxDepth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth >= maxDepth) throw new JsonTooDeepError(maxDepth);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++)
      out += (i ? ',' : '') + write(value[i], depth + 1, maxDepth);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Most values come from our own code with keys already in order: sort only when needed.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function') continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${write(v, depth + 1, maxDepth)}`;
    first = false;
  }
  return `${out}}`;
}
