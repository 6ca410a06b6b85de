import type { Migration } from '../migrate.ts';

/**
 * Failed logins are counted per username typed, whether or not an account has it. Kept on
 * `users` (migration 0004), only real accounts were ever throttled or locked, so the sixth
 * wrong password answered 429 for a real username and 401 for a made-up one: a way to learn
 * which usernames exist. The counts already held move over; counts that are not lockouts are
 * purged with expired sessions a day after their last failure (loginGuard.ts
 * purgeStaleLoginFailures), so sprayed names do not pile up.
 */
export const migration0012: Migration = {
  id: 12,
  name: 'login_failures',
  sql: `
CREATE TABLE login_failures (
  username text PRIMARY KEY,
  failed_logins integer NOT NULL,
  last_failed_login_at bigint NOT NULL,
  locked_at bigint
)
--;;
INSERT INTO login_failures (username, failed_logins, last_failed_login_at, locked_at)
SELECT username, failed_logins, COALESCE(last_failed_login_at, 0), locked_at
  FROM users WHERE failed_logins > 0 OR locked_at IS NOT NULL
--;;
ALTER TABLE users DROP COLUMN failed_logins
--;;
ALTER TABLE users DROP COLUMN last_failed_login_at
--;;
ALTER TABLE users DROP COLUMN locked_at
--;;
CREATE INDEX login_failures_by_time ON login_failures (last_failed_login_at) WHERE locked_at IS NULL
`,
};
