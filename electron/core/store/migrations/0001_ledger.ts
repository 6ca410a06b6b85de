/**
 * The double-entry journal (DESIGN.md "Money and ledger"). Journal and guard tables are append
 * only: triggers refuse UPDATE and DELETE, so a mistake can only be fixed by a reversing
 * transaction. Guards are primary keys, so "held once, resolved once, paid once" holds even if
 * application code is wrong.
 */
export const sql = `
CREATE TABLE ledger_txns (
  seq        INTEGER PRIMARY KEY,
  txn_id     TEXT    NOT NULL UNIQUE,
  command_id TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  currency   TEXT    NOT NULL,
  order_id   TEXT,
  claim_id   TEXT,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL
) STRICT;
CREATE INDEX ledger_txns_by_order ON ledger_txns (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE ledger_entries (
  seq        INTEGER NOT NULL REFERENCES ledger_txns (seq),
  leg        INTEGER NOT NULL,
  account    TEXT    NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),
  PRIMARY KEY (seq, leg)
) STRICT, WITHOUT ROWID;
CREATE INDEX ledger_entries_by_account ON ledger_entries (account);

-- Signed balances (debit +, credit -), kept in the same transaction as the entries.
-- normal_sign is +1 for debit-normal and -1 for credit-normal accounts; a floor-zero account
-- may never hold a balance on the wrong side of zero.
CREATE TABLE account_balances (
  currency    TEXT    NOT NULL,
  account     TEXT    NOT NULL,
  balance_fen INTEGER NOT NULL,
  normal_sign INTEGER NOT NULL CHECK (normal_sign IN (1, -1)),
  floor_zero  INTEGER NOT NULL CHECK (floor_zero IN (0, 1)),
  PRIMARY KEY (currency, account),
  CHECK (floor_zero = 0 OR balance_fen * normal_sign >= 0)
) STRICT, WITHOUT ROWID;

CREATE TABLE escrow_holds (
  order_id   TEXT    PRIMARY KEY,
  seq        INTEGER NOT NULL REFERENCES ledger_txns (seq),
  amount_fen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE escrow_resolutions (
  order_id TEXT    PRIMARY KEY,
  seq      INTEGER NOT NULL REFERENCES ledger_txns (seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE claim_payments (
  claim_id   TEXT    PRIMARY KEY,
  order_id   TEXT    NOT NULL,
  seq        INTEGER NOT NULL REFERENCES ledger_txns (seq),
  amount_fen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER ledger_txns_no_update BEFORE UPDATE ON ledger_txns
  BEGIN SELECT RAISE(ABORT, 'append_only: ledger_txns'); END;
CREATE TRIGGER ledger_txns_no_delete BEFORE DELETE ON ledger_txns
  BEGIN SELECT RAISE(ABORT, 'append_only: ledger_txns'); END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'append_only: ledger_entries'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'append_only: ledger_entries'); END;
CREATE TRIGGER escrow_holds_no_update BEFORE UPDATE ON escrow_holds
  BEGIN SELECT RAISE(ABORT, 'append_only: escrow_holds'); END;
CREATE TRIGGER escrow_holds_no_delete BEFORE DELETE ON escrow_holds
  BEGIN SELECT RAISE(ABORT, 'append_only: escrow_holds'); END;
CREATE TRIGGER escrow_resolutions_no_update BEFORE UPDATE ON escrow_resolutions
  BEGIN SELECT RAISE(ABORT, 'append_only: escrow_resolutions'); END;
CREATE TRIGGER escrow_resolutions_no_delete BEFORE DELETE ON escrow_resolutions
  BEGIN SELECT RAISE(ABORT, 'append_only: escrow_resolutions'); END;
CREATE TRIGGER claim_payments_no_update BEFORE UPDATE ON claim_payments
  BEGIN SELECT RAISE(ABORT, 'append_only: claim_payments'); END;
CREATE TRIGGER claim_payments_no_delete BEFORE DELETE ON claim_payments
  BEGIN SELECT RAISE(ABORT, 'append_only: claim_payments'); END;
`;
