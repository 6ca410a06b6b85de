import { randomBytes } from 'node:crypto';

/**
 * The partner banks' notification signing keys. Every key has an id (`kid`) that the bank names
 * in its signature header, so a bank can rotate: add the new key next to the old one, let the
 * bank switch, then drop the old one. All keys listed for a bank are active at once.
 *
 * There is no default key (DESIGN.md, "Security rules"): the API refuses to start without
 * `BANK_SECRETS`, unless `--demo` asks for random keys made for that run only.
 */
export interface BankKey {
  kid: string;
  secret: string;
}

/** bank id → its active keys. */
export type BankKeyring = Readonly<Record<string, readonly BankKey[]>>;

/** HMAC-SHA256 keys shorter than this are refused (32 characters ≈ 192+ bits of randomness). */
export const MIN_SECRET_LENGTH = 32;
const ID = /^[A-Za-z0-9_.-]{1,80}$/;

export class BankKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BankKeyError';
  }
}

/**
 * Checks a keyring: known-shape bank and key ids, no duplicate key id within a bank, every
 * secret at least MIN_SECRET_LENGTH characters, at least one bank. Throws BankKeyError.
 */
export function checkKeyring(value: unknown): BankKeyring {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BankKeyError('bank secrets must be an object {bank: [{kid, secret}, …]}');
  const out: Record<string, BankKey[]> = {};
  for (const [bank, keys] of Object.entries(value as Record<string, unknown>)) {
    if (!ID.test(bank)) throw new BankKeyError(`bad bank id ${JSON.stringify(bank)}`);
    if (!Array.isArray(keys) || keys.length === 0)
      throw new BankKeyError(
        `bank ${bank}: give a list of keys [{"kid": "…", "secret": "…"}] (a bare secret has no key id)`,
      );
    const seen = new Set<string>();
    out[bank] = keys.map((k: unknown) => {
      const { kid, secret } = (k ?? {}) as { kid?: unknown; secret?: unknown };
      if (typeof kid !== 'string' || !ID.test(kid))
        throw new BankKeyError(`bank ${bank}: every key needs a kid (1–80 letters, digits, _ . -)`);
      if (seen.has(kid)) throw new BankKeyError(`bank ${bank}: key id ${kid} appears twice`);
      seen.add(kid);
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
        throw new BankKeyError(
          `bank ${bank} key ${kid}: the secret must be at least ${MIN_SECRET_LENGTH} characters`,
        );
      return { kid, secret };
    });
  }
  if (Object.keys(out).length === 0) throw new BankKeyError('bank secrets name no bank');
  return out;
}

/** `BANK_SECRETS` as JSON: `{"icbc":[{"kid":"2026-01","secret":"…"}],"ccb":[…]}`. */
export function parseBankSecrets(text: string): BankKeyring {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BankKeyError('BANK_SECRETS is not valid JSON');
  }
  return checkKeyring(value);
}

/** Random keys for one run (`--demo`, tests): nobody outside this process can sign with them. */
export function randomBankKeyring(banks: readonly string[] = ['icbc', 'ccb']): BankKeyring {
  return Object.fromEntries(
    banks.map((bank) => [bank, [{ kid: 'demo', secret: randomBytes(32).toString('base64url') }]]),
  );
}

/** The key a bank's signature names, or undefined for an unknown bank or key id. */
export function findBankKey(ring: BankKeyring, bank: string, kid: string): BankKey | undefined {
  if (!Object.hasOwn(ring, bank)) return undefined;
  return ring[bank]?.find((k) => k.kid === kid);
}
