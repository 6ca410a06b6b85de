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

// Random bytes are drawn from Web Crypto 4 KiB at a time: one call per id was the id's main
// cost on the server's write path (a posting's txn id per event; issue 13).
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function uuidv7(nowMs: number = Date.now()): string {
  if (poolAt + 10 > POOL_BYTES) {
    random.getRandomValues(pool);
    poolAt = 0;
  }
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
  // 48-bit milliseconds as 12 hex digits (exact: below 2^53), version 7 with the counter, the
  // variant bits, then 62 random bits.
  const ms = nowMs.toString(16).padStart(12, '0');
  const r = pool;
  const i = poolAt;
  poolAt += 10;
  return (
    `${ms.slice(0, 8)}-${ms.slice(8, 12)}-` +
    `${HEX[0x70 | ((seq >> 8) & 0x0f)]}${HEX[seq & 0xff]}-` +
    `${HEX[0x80 | (r[i]! & 0x3f)]}${HEX[r[i + 1]!]}-` +
    `${HEX[r[i + 2]!]}${HEX[r[i + 3]!]}${HEX[r[i + 4]!]}${HEX[r[i + 5]!]}${HEX[r[i + 6]!]}${HEX[r[i + 7]!]}`
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** The creation time encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
