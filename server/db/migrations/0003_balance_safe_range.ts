import type { Migration } from '../migrate.ts';

/**
 * Balances are read into JavaScript numbers, so they must stay within the safe integer range;
 * the database refuses anything beyond it (reported as `invalid_amount`) rather than letting a
 * read fail later.
 */
export const migration0003: Migration = {
  id: 3,
  name: 'balance_safe_range',
  sql: `
ALTER TABLE account_balances ADD CONSTRAINT balance_safe_range
  CHECK (balance_fen BETWEEN -9007199254740991 AND 9007199254740991)
`,
};
