/**
 * Time-ordered ids (UUIDv7, RFC 9562): sortable by creation time, so journal and outbox order
 * survive a plain ORDER BY on the id. Uses Web Crypto, available in Node 20 and every browser.
 */
interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T;
}
// Web Crypto is a global in Node 20 and in browsers; shared/ is type-checked without DOM or Node
// types, so it is reached through a minimal structural type.
const random = (globalThis as unknown as { crypto: RandomSource }).crypto;

let lastMs = -1;
let seq = 0;

export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  random.getRandomValues(bytes);
  // Within one millisecond a 12-bit counter keeps ids from one process strictly increasing.
  if (nowMs <= lastMs) {
    nowMs = lastMs;
    seq++;
    if (seq > 0xfff) {
      nowMs = ++lastMs;
      seq = 0;
    }
  } else {
    seq = 0;
  }
  lastMs = nowMs;
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((seq >> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** The creation time encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
