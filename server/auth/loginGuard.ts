import { DeskError } from '../../shared/errors.ts';
import { HOUR_MS, MINUTE_MS } from '../../shared/time.ts';
import type { Queryable } from '../db/database.ts';
import { appendSecurityAudit } from '../security/securityAudit.ts';
import { checkAndOpen } from './sessions.ts';
import type { Session } from './sessions.ts';
import type { UserRow } from './users.ts';

/**
 * Login throttling (issue 12): per address, `@fastify/rate-limit` on the route (app.ts) and one
 * password check at a time (HashPool); per account, here, in the database so every API process
 * and the admin CLI see the same state:
 * - after `freeAttempts` consecutive failures, each further attempt must wait an exponential
 *   backoff (1 s, 2 s, 4 s … up to `maxBackoffMs`) after the last failure, answered
 *   `login_throttled` (429, Retry-After) without checking the password at all;
 * - after `lockAfter` consecutive failures the account is locked (`account_locked`, 423) until
 *   an administrator lifts it (`npm run api:admin -- unlock-user --username …`); lockouts and
 *   unlocks are written to `security_audit`;
 * - one check at a time per username in this process.
 * A success resets the count. Counts are kept per username typed, account or not (migration
 * 0012), so none of these answers tells whether a username exists.
 */
export interface LoginLimits {
  freeAttempts: number;
  lockAfter: number;
  maxBackoffMs: number;
  /** Login requests per client address per minute (@fastify/rate-limit). */
  perIpPerMinute: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeAttempts: 5,
  lockAfter: 20,
  maxBackoffMs: 15 * MINUTE_MS,
  perIpPerMinute: 20,
};

export class LoginRefused extends DeskError {
  readonly retryAfterS: number | undefined;
  constructor(code: 'login_throttled' | 'account_locked', message: string, retryAfterMs?: number) {
    super(code, message);
    this.retryAfterS = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
  }
}

const checking = new Set<string>();

/**
 * Failures are counted per username typed, not per account (migration 0012): a name nobody
 * has is throttled and locked exactly as a real one, so no answer tells whether it exists.
 */
interface FailureRow {
  failed_logins: number;
  last_failed_login_at: number;
  locked_at: number | null;
}

/** Unlocked failure counts with no new failure for this long are forgotten (purged). */
export const LOGIN_FAILURES_KEPT_MS = 24 * HOUR_MS;

/** The wait after `failures` consecutive failures, or 0 while attempts are free. */
export function backoffMs(failures: number, limits: LoginLimits): number {
  if (failures < limits.freeAttempts) return 0;
  return Math.min(limits.maxBackoffMs, 1000 * 2 ** Math.min(30, failures - limits.freeAttempts));
}

/**
 * A login through the guards: the session, or null for a wrong username or password; throws
 * LoginRefused when throttled or locked (the password is then not checked at all).
 */
export async function guardedLogin(
  db: Queryable,
  req: { username: string; password: string; clientKey: string },
  now: number,
  ttlMs: number,
  limits: LoginLimits,
): Promise<Session | null> {
  const failed = await db.query<FailureRow>(
    'SELECT failed_logins, last_failed_login_at, locked_at FROM login_failures WHERE username = $1',
    [req.username],
  );
  const record = failed.rows[0];
  if (record && record.locked_at !== null)
    throw new LoginRefused(
      'account_locked',
      'this account is locked after repeated failed logins; an administrator must unlock it',
    );
  const failures = record?.failed_logins ?? 0;
  const wait = (record?.last_failed_login_at ?? 0) + backoffMs(failures, limits) - now;
  if (failures >= limits.freeAttempts && wait > 0)
    throw new LoginRefused('login_throttled', 'too many failed logins; wait and try again', wait);
  if (checking.has(req.username))
    throw new LoginRefused('login_throttled', 'a login for this account is being checked', 1000);
  checking.add(req.username);
  try {
    const r = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [req.username]);
    const user = r.rows[0];
    const session = await checkAndOpen(db, user, req.password, now, ttlMs, req.clientKey);
    if (session && record)
      await db.query('DELETE FROM login_failures WHERE username = $1', [req.username]);
    if (!session) await recordFailure(db, req.username, user?.user_id, now, limits);
    return session;
  } finally {
    checking.delete(req.username);
  }
}

async function recordFailure(
  db: Queryable,
  username: string,
  userId: string | undefined,
  now: number,
  limits: LoginLimits,
): Promise<void> {
  const r = await db.query<{ failed_logins: number; locked_at: number | null }>(
    `INSERT INTO login_failures AS f (username, failed_logins, last_failed_login_at, locked_at)
     VALUES ($1, 1, $2, CASE WHEN $3::integer <= 1 THEN $2::bigint END)
     ON CONFLICT (username) DO UPDATE SET
       failed_logins = f.failed_logins + 1, last_failed_login_at = $2,
       locked_at = CASE WHEN f.locked_at IS NULL AND f.failed_logins + 1 >= $3::integer THEN $2
                        ELSE f.locked_at END
     RETURNING failed_logins, locked_at`,
    [username, now, limits.lockAfter],
  );
  const row = r.rows[0];
  // The audit trail is of accounts: a name nobody has is locked alike, but not audited.
  if (userId && row && row.locked_at === now && row.failed_logins === limits.lockAfter)
    await appendSecurityAudit(db, {
      at: now,
      actor: 'system:login',
      action: 'account_locked',
      subject: userId,
      detail: { failedLogins: row.failed_logins },
    });
}

/** Forgets failure counts that are not lockouts and saw no failure for a day; returns how many. */
export async function purgeStaleLoginFailures(db: Queryable, now: number): Promise<number> {
  const r = await db.query(
    'DELETE FROM login_failures WHERE locked_at IS NULL AND last_failed_login_at <= $1',
    [now - LOGIN_FAILURES_KEPT_MS],
  );
  return r.rowCount;
}

/** Lifts a lockout and clears the failure count; audited. Returns false for an unknown user. */
export async function unlockUser(
  db: Queryable,
  username: string,
  by: string,
  now: number,
): Promise<boolean> {
  const user = await db.query<{ user_id: string }>(
    'SELECT user_id FROM users WHERE username = $1',
    [username],
  );
  const userId = user.rows[0]?.user_id;
  if (!userId) return false;
  const r = await db.query<{ failed_logins: number; was_locked: boolean }>(
    `DELETE FROM login_failures WHERE username = $1
     RETURNING failed_logins, locked_at IS NOT NULL AS was_locked`,
    [username],
  );
  const row = r.rows[0];
  await appendSecurityAudit(db, {
    at: now,
    actor: by,
    action: 'account_unlocked',
    subject: userId,
    detail: { wasLocked: row?.was_locked ?? false, failedLogins: row?.failed_logins ?? 0 },
  });
  return true;
}
