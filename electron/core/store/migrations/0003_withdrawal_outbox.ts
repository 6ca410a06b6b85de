/**
 * Withdrawals a seller_admin asked for on this desk (issue 16). A request is written here with
 * its request key before anything is sent, so it survives a crash or a night offline; the
 * server asks the bank once per key, so sending it again after a lost answer is harmless.
 * `state`: `queued` (not yet answered), `sent` (the server holds it; its state is the server's),
 * `refused` (the server said no for good: the code and message are shown).
 */
export const sql = `
CREATE TABLE withdrawal_outbox (
  request_key TEXT PRIMARY KEY,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  queued_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'refused')),
  withdrawal_id TEXT,
  error_code TEXT,
  error_message TEXT
) STRICT;
`;
