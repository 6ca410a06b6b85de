import type { Queryable } from '../db/database.ts';
import { normalBalance } from '../../shared/ledger/accounts.ts';

export interface AccountBalance {
  account: string;
  currency: string;
  /** Signed: debits positive, credits negative. */
  signedFen: number;
  /** As people read it: positive on the account's normal side. */
  balanceFen: number;
}

/**
 * Balances of the accounts named (all when `names` is null). An account is the sum of its shard
 * sub-accounts (one balance row per shard it was posted in: the platform's accounts have one in
 * every shard).
 */
export async function readBalances(
  db: Queryable,
  names: readonly string[] | null = null,
): Promise<AccountBalance[]> {
  const r = await db.query<{ account: string; currency: string; balance_fen: string }>(
    `SELECT account, currency, sum(balance_fen)::text AS balance_fen FROM account_balances
      ${names === null ? '' : 'WHERE account = ANY($1::text[])'}
      GROUP BY account, currency ORDER BY account, currency`,
    names === null ? [] : [names],
  );
  return r.rows.map((row) => ({
    account: row.account,
    currency: row.currency,
    signedFen: Number(row.balance_fen),
    // `+ 0` turns the -0 of a negated zero into 0 for JSON readers.
    balanceFen: normalBalance(row.account, Number(row.balance_fen)) + 0,
  }));
}

/** One account's signed balance over its sub-accounts (0 when it has never been posted to). */
export async function signedBalance(
  db: Queryable,
  name: string,
  currency: string,
): Promise<number> {
  const r = await db.query<{ balance_fen: string | null }>(
    'SELECT sum(balance_fen)::text AS balance_fen FROM account_balances WHERE account = $1 AND currency = $2',
    [name, currency],
  );
  return Number(r.rows[0]?.balance_fen ?? 0);
}
