import type { Migration } from '../migrate.ts';

/**
 * The double-entry ledger. Journal rows are append-only (a trigger refuses UPDATE, DELETE and
 * TRUNCATE even for the table owner); balances are materialised with CHECKs for floor-zero
 * accounts; guard tables hold one row per escrow hold, escrow resolution and claim payment, so a
 * second one fails on a primary key whatever the code above it does.
 */
export const migration0002: Migration = {
  id: 2,
  name: 'ledger',
  sql: `
CREATE TABLE ledger_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq bigint NOT NULL,
  hash text NOT NULL
)
--;;
INSERT INTO ledger_head (singleton, seq, hash) VALUES (true, 0, repeat('0', 64))
--;;
CREATE TABLE ledger_transactions (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  txn_id text NOT NULL UNIQUE,
  command_id text NOT NULL,
  kind text NOT NULL,
  at bigint NOT NULL,
  currency text NOT NULL,
  order_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
)
--;;
CREATE TABLE ledger_entries (
  txn_id text NOT NULL REFERENCES ledger_transactions(txn_id),
  leg_no integer NOT NULL,
  account text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen <> 0),
  PRIMARY KEY (txn_id, leg_no)
)
--;;
CREATE INDEX ledger_entries_by_account ON ledger_entries (account)
--;;
CREATE TABLE account_balances (
  account text NOT NULL,
  currency text NOT NULL,
  normal text NOT NULL CHECK (normal IN ('debit','credit')),
  floor_zero boolean NOT NULL,
  balance_fen bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (account, currency),
  CONSTRAINT balance_floor CHECK (
    NOT floor_zero
    OR (normal = 'debit' AND balance_fen >= 0)
    OR (normal = 'credit' AND balance_fen <= 0))
)
--;;
CREATE TABLE escrow_holds (
  order_id text PRIMARY KEY,
  txn_id text NOT NULL UNIQUE REFERENCES ledger_transactions(txn_id)
)
--;;
CREATE TABLE escrow_resolutions (
  order_id text PRIMARY KEY,
  txn_id text NOT NULL UNIQUE REFERENCES ledger_transactions(txn_id)
)
--;;
CREATE TABLE claim_payments (
  claim_id text PRIMARY KEY,
  order_id text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  txn_id text NOT NULL UNIQUE REFERENCES ledger_transactions(txn_id)
)
--;;
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$
--;;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
--;;
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()
--;;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
--;;
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()
--;;
CREATE TRIGGER escrow_holds_append_only BEFORE UPDATE OR DELETE ON escrow_holds
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
--;;
CREATE TRIGGER escrow_resolutions_append_only BEFORE UPDATE OR DELETE ON escrow_resolutions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
--;;
CREATE TRIGGER claim_payments_append_only BEFORE UPDATE OR DELETE ON claim_payments
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
--;;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_transactions, ledger_entries, escrow_holds,
  escrow_resolutions, claim_payments FROM PUBLIC
`,
};
