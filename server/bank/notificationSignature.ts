import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Bank payment notifications are signed like webhooks: header
 * `x-bank-signature: t=<epoch ms>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp bounds replay: an old signature is refused even when it is genuine, and the
 * notification id makes a genuine repeat within the window credit only once.
 */
export const SIGNATURE_HEADER = 'x-bank-signature';
export const SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

export function signNotification(secret: string, rawBody: string, atMs: number): string {
  const mac = createHmac('sha256', secret).update(`${atMs}.${rawBody}`).digest('hex');
  return `t=${atMs},v1=${mac}`;
}

export type SignatureCheck = 'ok' | 'malformed' | 'bad_signature' | 'stale';

export function checkSignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowMs: number,
): SignatureCheck {
  const m = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return 'malformed';
  const at = Number(m[1]);
  const expected = createHmac('sha256', secret).update(`${at}.${rawBody}`).digest();
  const given = Buffer.from(m[2] ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  if (Math.abs(nowMs - at) > SIGNATURE_TOLERANCE_MS) return 'stale';
  return 'ok';
}
