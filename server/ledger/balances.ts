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

/** `text` as a LIKE pattern that matches only itself: ids may hold `_`, which LIKE reads as any character. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * Balances of the accounts named exactly `account`, or whose names start with `prefix` (all
 * when neither is given). An account is the sum of its shard sub-accounts (one balance row per
 * shard it was posted in: the platform's accounts have one in every shard).
 */
export async function readBalances(
  db: Queryable,
  which: { account: string } | { prefix: string } | null = null,
): Promise<AccountBalance[]> {
  const filter =
    which === null
      ? null
      : 'account' in which
        ? { where: 'WHERE account = $1', param: which.account }
        : { where: 'WHERE account LIKE $1', param: `${likeLiteral(which.prefix)}%` };
  const r = await db.query<{ account: string; currency: string; balance_fen: string }>(
    `SELECT account, currency, sum(balance_fen)::text AS balance_fen FROM account_balances
      ${filter?.where ?? ''}
      GROUP BY account, currency ORDER BY account, currency`,
    filter === null ? [] : [filter.param],
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
