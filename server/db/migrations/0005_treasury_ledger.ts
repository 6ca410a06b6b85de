import type { Migration } from '../migrate.ts';

/**
 * Issue 16 (treasury), the parts the core tables carry:
 * - the `finance` role (statements, reconciliation, payouts), a platform role without merchant;
 * - `withdrawal_settlements`: one guard row per withdrawal paid out or returned, so a second
 *   settlement fails on a primary key whatever the code above it does (like `claim_payments`).
 * The treasury's own tables are server/treasury's (migrations from 500 up).
 */
export const migration0005: Migration = {
  id: 5,
  name: 'treasury_ledger',
  sql: `
ALTER TABLE users DROP CONSTRAINT users_role_check
--;;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('seller_staff','seller_admin','agent','senior_agent','buyer','finance'))
--;;
CREATE TABLE withdrawal_settlements (
  withdrawal_id text PRIMARY KEY,
  txn_id text NOT NULL UNIQUE REFERENCES ledger_transactions(txn_id)
)
--;;
CREATE TRIGGER withdrawal_settlements_append_only BEFORE UPDATE OR DELETE ON withdrawal_settlements
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
`,
};
