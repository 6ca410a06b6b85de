import type { Database } from '../db/database.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { StatementMigration } from '../db/migrate.ts';

/**
 * The treasury's own tables (issue 16), applied by `prepareTreasurySchema` when its routes
 * register. Ids from 500 up share `schema_migrations` with the server's (1…), sync's (100…) and
 * the dispute desk's (300…). Money never lives here: every movement is a ledger transaction
 * posted through server/ledger; these tables hold what the bank was asked and answered, the
 * statements it sent, and what finance decided about the differences.
 *
 * - `payout_accounts`: every version a seller_admin entered; the one in force is the latest
 *   whose `effective_at` (entered + cooling-off) has passed.
 * - `withdrawals`: one row per request, its state and the bank's answer. `(merchant_id,
 *   request_key)` is the seller's idempotency key.
 * - `payout_batches`: the instruction files made for the bank.
 * - `payout_results`: every signed result received, keyed by the bank's result id, so a
 *   repeat is recognised and a changed repeat refused.
 * - `bank_statements` / `statement_lines`: imported statements, each file once.
 * - `statement_matches`: which ledger transaction a line settled (each at most once).
 * - `recon_exceptions`: the exceptions queue; `recon_adjustments`: maker-checker postings.
 * - `treasury_audit`: append-only record of every treasury decision.
 */
const STATEMENTS: string[] = [
  `CREATE TABLE treasury_audit (
     seq bigserial PRIMARY KEY,
     at bigint NOT NULL,
     actor text NOT NULL,
     action text NOT NULL,
     subject text NOT NULL,
     detail jsonb NOT NULL DEFAULT '{}'::jsonb
   )`,
  `CREATE INDEX treasury_audit_by_subject ON treasury_audit (subject, seq)`,
  `CREATE FUNCTION treasury_audit_append_only() RETURNS trigger AS $$
   BEGIN
     RAISE EXCEPTION 'treasury_audit is append-only';
   END;
   $$ LANGUAGE plpgsql`,
  `CREATE TRIGGER treasury_audit_no_change BEFORE UPDATE OR DELETE ON treasury_audit
     FOR EACH ROW EXECUTE FUNCTION treasury_audit_append_only()`,
  `CREATE TABLE payout_accounts (
     merchant_id text NOT NULL REFERENCES merchants(merchant_id),
     version integer NOT NULL CHECK (version > 0),
     account_name text NOT NULL,
     bank_name text NOT NULL,
     account_no text NOT NULL,
     entered_by text NOT NULL,
     entered_at bigint NOT NULL,
     effective_at bigint NOT NULL,
     PRIMARY KEY (merchant_id, version)
   )`,
  `CREATE TABLE withdrawals (
     withdrawal_id text PRIMARY KEY,
     merchant_id text NOT NULL REFERENCES merchants(merchant_id),
     request_key text NOT NULL,
     currency text NOT NULL,
     amount_fen bigint NOT NULL CHECK (amount_fen > 0),
     bank text NOT NULL,
     payout_account_version integer NOT NULL,
     status text NOT NULL CHECK (status IN ('requested','sent','paid','failed')),
     requested_by text NOT NULL,
     requested_at bigint NOT NULL,
     batch_id text,
     bank_ref text,
     failure_reason text,
     settled_at bigint,
     updated_at bigint NOT NULL,
     UNIQUE (merchant_id, request_key)
   )`,
  `CREATE INDEX withdrawals_by_merchant ON withdrawals (merchant_id, requested_at)`,
  `CREATE INDEX withdrawals_by_status ON withdrawals (status, bank, requested_at)`,
  `CREATE INDEX withdrawals_by_bank_ref ON withdrawals (bank, bank_ref)`,
  `CREATE TABLE payout_batches (
     batch_id text PRIMARY KEY,
     bank text NOT NULL,
     created_by text NOT NULL,
     created_at bigint NOT NULL,
     item_count integer NOT NULL,
     total_fen bigint NOT NULL,
     file_name text NOT NULL,
     file_text text NOT NULL
   )`,
  `CREATE TABLE payout_results (
     bank text NOT NULL,
     result_id text NOT NULL,
     body_sha256 text NOT NULL,
     withdrawal_id text NOT NULL,
     outcome text NOT NULL,
     applied boolean NOT NULL,
     received_at bigint NOT NULL,
     PRIMARY KEY (bank, result_id)
   )`,
  `CREATE TABLE bank_statements (
     statement_id text PRIMARY KEY,
     bank text NOT NULL,
     bank_statement_ref text NOT NULL,
     format text NOT NULL,
     file_sha256 text NOT NULL,
     currency text NOT NULL,
     statement_date text NOT NULL,
     cut_off_at bigint NOT NULL,
     opening_fen bigint NOT NULL,
     closing_fen bigint NOT NULL,
     line_count integer NOT NULL,
     imported_by text NOT NULL,
     imported_at bigint NOT NULL,
     UNIQUE (bank, bank_statement_ref)
   )`,
  `CREATE INDEX bank_statements_by_date ON bank_statements (bank, statement_date)`,
  `CREATE TABLE statement_lines (
     statement_id text NOT NULL REFERENCES bank_statements(statement_id),
     line_no integer NOT NULL,
     booked_at bigint NOT NULL,
     amount_fen bigint NOT NULL CHECK (amount_fen <> 0),
     bank_ref text NOT NULL,
     reversal boolean NOT NULL,
     description text NOT NULL,
     outcome text NOT NULL,
     txn_id text,
     PRIMARY KEY (statement_id, line_no)
   )`,
  `CREATE INDEX statement_lines_by_ref ON statement_lines (bank_ref)`,
  `CREATE TABLE statement_matches (
     txn_id text PRIMARY KEY,
     bank text NOT NULL,
     statement_id text NOT NULL,
     line_no integer NOT NULL
   )`,
  `CREATE TABLE recon_exceptions (
     exception_id text PRIMARY KEY,
     bank text NOT NULL,
     statement_id text NOT NULL,
     kind text NOT NULL CHECK (kind IN
       ('unknown_line','unsettled','amount_mismatch','reversal','duplicate')),
     line_no integer,
     txn_id text,
     bank_ref text NOT NULL,
     statement_fen bigint NOT NULL,
     ledger_fen bigint NOT NULL,
     status text NOT NULL CHECK (status IN ('open','adjusting','resolved')),
     resolution text,
     note text,
     resolved_by text,
     resolved_at bigint,
     created_at bigint NOT NULL
   )`,
  `CREATE INDEX recon_exceptions_by_status ON recon_exceptions (bank, status, created_at)`,
  `CREATE UNIQUE INDEX recon_exceptions_unsettled_once ON recon_exceptions (txn_id)
     WHERE kind = 'unsettled'`,
  `CREATE TABLE recon_adjustments (
     adjustment_id text PRIMARY KEY,
     exception_id text NOT NULL UNIQUE REFERENCES recon_exceptions(exception_id),
     bank text NOT NULL,
     currency text NOT NULL,
     amount_fen bigint NOT NULL CHECK (amount_fen <> 0),
     reason text NOT NULL,
     maker_id text NOT NULL,
     made_at bigint NOT NULL,
     status text NOT NULL CHECK (status IN ('pending','posted','refused')),
     checker_id text,
     checked_at bigint,
     txn_id text
   )`,
];

const TREASURY_MIGRATIONS: readonly StatementMigration[] = [
  { id: 500, name: 'treasury', statements: STATEMENTS },
];

export async function prepareTreasurySchema(db: Database): Promise<void> {
  await applyMigrations(db, TREASURY_MIGRATIONS);
}
