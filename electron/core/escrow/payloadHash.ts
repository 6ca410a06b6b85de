import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so a retried command whose client serialised
 * its keys in another order still has the same payload hash. `undefined` members are dropped,
 * as JSON.stringify would.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/** sha-256 (hex) of the canonical JSON: the identity of a command's payload for idempotency. */
export function payloadHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}
