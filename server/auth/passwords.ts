import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { HashPool } from './hashPool.ts';

/**
 * scrypt password hashes, `scrypt$N$r$p$salt$hash` (base64url parts). The cost is stored with
 * each hash, so it can be raised: a successful login with an older, cheaper hash rehashes it
 * (`needsRehash`).
 *
 * The production cost is N = 2^17, r = 8 (128 MiB and ~0.6 s of one core per hash on the
 * 2-core test machine). `PASSWORD_HASH_LOG2N` (14…20) overrides it for the whole process; the
 * test runner sets 14 so seeding hundreds of users stays fast — never set it in production.
 */
export const PRODUCTION_LOG2N = 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function envLog2N(): number {
  const text = process.env.PASSWORD_HASH_LOG2N;
  if (text === undefined || text === '') return PRODUCTION_LOG2N;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 14 || n > 20)
    throw new Error('PASSWORD_HASH_LOG2N must be a whole number from 14 to 20');
  return n;
}

let log2N = envLog2N();

/** The cost new hashes get (and below which a stored hash is rehashed on login). */
export function passwordHashLog2N(): number {
  return log2N;
}

/** For tests and benchmarks that measure hashing at a given cost. */
export function setPasswordHashLog2N(n: number): void {
  if (!Number.isInteger(n) || n < 10 || n > 20) throw new Error('log2N out of range');
  log2N = n;
  dummy = null;
}

/**
 * scrypt runs on libuv's thread pool, which the rest of the process (fs, dns, zlib) shares. All
 * hashing goes through one small pool (as many as there are cores, at most 2 at once by
 * default) so a flood of logins can neither starve other work nor queue without bound: the
 * login route gives each client address at most one hash at a time, and refuses beyond the
 * queue's bound (server/auth/loginGuard.ts).
 */
export const hashPool = new HashPool({ concurrency: 2, maxQueue: 32 });

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // 128 * N * r bytes, plus headroom; 2^20 (the upper bound accepted) needs 1 GiB.
  const maxmem = 128 * n * r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const n = 2 ** log2N;
  const salt = randomBytes(16);
  const key = await hashPool.run(() => derive(password, salt, n, R, P));
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(
  stored: string,
): { n: number; r: number; p: number; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const cost = { n: Number(n), r: Number(r), p: Number(p) };
  if (![cost.n, cost.r, cost.p].every(Number.isSafeInteger)) return null;
  if (cost.n < 2 || cost.n > 2 ** 20 || (cost.n & (cost.n - 1)) !== 0) return null;
  return { ...cost, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/**
 * Checks a password against a stored hash. `key` names who asks (the client address) so the
 * pool can hold each asker to one hash at a time; without it the check just queues.
 */
export async function verifyPassword(
  password: string,
  stored: string,
  opts: { key?: string } = {},
): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const key = await hashPool.run(() => derive(password, h.salt, h.n, h.r, h.p), opts.key);
  return key.length === h.hash.length && timingSafeEqual(key, h.hash);
}

/** Whether a stored hash is cheaper than today's cost (rehash it after a successful login). */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  return !h || h.n < 2 ** log2N || h.r < R;
}

let dummy: Promise<string> | null = null;
/**
 * A hash at today's cost of a random password, checked for unknown usernames so the time of a
 * refusal does not reveal which names exist.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
