import type { Migration } from '../migrate.ts';

/**
 * Issue 12 (money-path hardening):
 * - `security_audit`: append-only record of security-relevant changes — the maker-checker
 *   limits a server started with (when they differ from the last recorded ones), account
 *   lockouts and unlocks, session revocations. A trigger refuses UPDATE and DELETE.
 * - `users`: consecutive failed logins, when the last one was (backoff), and a lockout that
 *   only an administrator lifts (`npm run api:admin -- unlock-user`).
 * - `sessions`: indexes for the purge of expired sessions and for revoking a user's sessions.
 */
export const migration0004: Migration = {
  id: 4,
  name: 'security',
  sql: `
CREATE TABLE security_audit (
  seq bigserial PRIMARY KEY,
  at bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
)
--;;
CREATE INDEX security_audit_by_action ON security_audit (action, seq)
--;;
CREATE FUNCTION security_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'security_audit is append-only';
END;
$$ LANGUAGE plpgsql
--;;
CREATE TRIGGER security_audit_no_change BEFORE UPDATE OR DELETE ON security_audit
  FOR EACH ROW EXECUTE FUNCTION security_audit_append_only()
--;;
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0
--;;
ALTER TABLE users ADD COLUMN last_failed_login_at bigint
--;;
ALTER TABLE users ADD COLUMN locked_at bigint
--;;
CREATE INDEX sessions_by_expiry ON sessions (expires_at)
--;;
CREATE INDEX sessions_by_user ON sessions (user_id)
`,
};
