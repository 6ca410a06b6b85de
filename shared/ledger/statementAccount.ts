/**
 * Statements (opening, movement, closing) are kept per merchant account; the escrow accounts of
 * a merchant's orders, one per order, are summed into this one row.
 */
export const ESCROW_STATEMENT_ACCOUNT = 'escrow:order:*';

/** The statement row a journal leg on `account` counts toward. */
export function statementAccount(account: string): string {
  return account.startsWith('escrow:order:') ? ESCROW_STATEMENT_ACCOUNT : account;
}
