import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so a retried command whose client serialised
 * its keys in another order still has the same payload hash. `undefined` members are dropped,
 * as JSON.stringify would. Written as one string-building pass (no intermediate arrays): it
 * runs once per command on the hot path.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Most payloads come from our own code with keys in one order; sort only when needed.
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
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** sha-256 (hex) of the canonical JSON: the identity of a command's payload for idempotency. */
export function payloadHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}
