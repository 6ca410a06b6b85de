import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BankKey } from './bankKeys.ts';

/**
 * Bank payment notifications are signed like webhooks: header
 * `x-bank-signature: t=<epoch ms>,kid=<key id>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The key id names which of the bank's active keys signed (keys rotate, see bankKeys.ts).
 * The timestamp bounds replay: an old signature is refused even when it is genuine, and the
 * notification id makes a genuine repeat within the window credit only once.
 */
export const SIGNATURE_HEADER = 'x-bank-signature';
export const SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

export function signNotification(key: BankKey, rawBody: string, atMs: number): string {
  const mac = createHmac('sha256', key.secret).update(`${atMs}.${rawBody}`).digest('hex');
  return `t=${atMs},kid=${key.kid},v1=${mac}`;
}

export type SignatureCheck = 'ok' | 'malformed' | 'bad_signature' | 'stale';

/** The signature header's parts, or null when it is not of the documented form. */
export function parseSignatureHeader(
  header: string | undefined,
): { at: number; kid: string; mac: string } | null {
  const m = /^t=(\d{1,16}),kid=([A-Za-z0-9_.-]{1,80}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return null;
  return { at: Number(m[1]), kid: m[2] ?? '', mac: m[3] ?? '' };
}

export function checkSignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowMs: number,
): SignatureCheck {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return 'malformed';
  const expected = createHmac('sha256', secret).update(`${parsed.at}.${rawBody}`).digest();
  const given = Buffer.from(parsed.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  if (Math.abs(nowMs - parsed.at) > SIGNATURE_TOLERANCE_MS) return 'stale';
  return 'ok';
}
