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

/** Balances of the accounts whose names match a LIKE pattern (or all when none is given). */
export async function readBalances(db: Queryable, pattern?: string): Promise<AccountBalance[]> {
  const r = await db.query<{ account: string; currency: string; balance_fen: number }>(
    pattern === undefined
      ? 'SELECT account, currency, balance_fen FROM account_balances ORDER BY account'
      : 'SELECT account, currency, balance_fen FROM account_balances WHERE account LIKE $1 ORDER BY account',
    pattern === undefined ? [] : [pattern],
  );
  return r.rows.map((row) => ({
    account: row.account,
    currency: row.currency,
    signedFen: row.balance_fen,
    // `+ 0` turns the -0 of a negated zero into 0 for JSON readers.
    balanceFen: normalBalance(row.account, row.balance_fen) + 0,
  }));
}

/** One account's signed balance (0 when it has never been posted to). */
export async function signedBalance(
  db: Queryable,
  name: string,
  currency: string,
): Promise<number> {
  const r = await db.query<{ balance_fen: number }>(
    'SELECT balance_fen FROM account_balances WHERE account = $1 AND currency = $2',
    [name, currency],
  );
  return r.rows[0]?.balance_fen ?? 0;
}
