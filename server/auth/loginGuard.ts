import { DeskError } from '../../shared/errors.ts';
import { MINUTE_MS } from '../../shared/time.ts';
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
 * A success resets the count.
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
  const r = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [req.username]);
  const user = r.rows[0];
  if (user?.locked_at !== null && user?.locked_at !== undefined)
    throw new LoginRefused(
      'account_locked',
      'this account is locked after repeated failed logins; an administrator must unlock it',
    );
  const failures = user?.failed_logins ?? 0;
  const wait = (user?.last_failed_login_at ?? 0) + backoffMs(failures, limits) - now;
  if (failures >= limits.freeAttempts && wait > 0)
    throw new LoginRefused('login_throttled', 'too many failed logins; wait and try again', wait);
  if (checking.has(req.username))
    throw new LoginRefused('login_throttled', 'a login for this account is being checked', 1000);
  checking.add(req.username);
  try {
    const session = await checkAndOpen(db, user, req.password, now, ttlMs, req.clientKey);
    if (user && session && failures > 0)
      await db.query(
        'UPDATE users SET failed_logins = 0, last_failed_login_at = NULL WHERE user_id = $1',
        [user.user_id],
      );
    if (user && !session) await recordFailure(db, user, now, limits);
    return session;
  } finally {
    checking.delete(req.username);
  }
}

async function recordFailure(
  db: Queryable,
  user: UserRow,
  now: number,
  limits: LoginLimits,
): Promise<void> {
  const r = await db.query<{ failed_logins: number; locked_at: number | null }>(
    `UPDATE users SET failed_logins = failed_logins + 1, last_failed_login_at = $2,
            locked_at = CASE WHEN locked_at IS NULL AND failed_logins + 1 >= $3 THEN $2
                             ELSE locked_at END
      WHERE user_id = $1 RETURNING failed_logins, locked_at`,
    [user.user_id, now, limits.lockAfter],
  );
  const row = r.rows[0];
  if (row && Number(row.locked_at) === now && row.failed_logins === limits.lockAfter)
    await appendSecurityAudit(db, {
      at: now,
      actor: 'system:login',
      action: 'account_locked',
      subject: user.user_id,
      detail: { failedLogins: row.failed_logins },
    });
}

/** Lifts a lockout and clears the failure count; audited. Returns false for an unknown user. */
export async function unlockUser(
  db: Queryable,
  username: string,
  by: string,
  now: number,
): Promise<boolean> {
  const r = await db.query<{ user_id: string; was_locked: boolean; failed_logins: number }>(
    `UPDATE users u SET failed_logins = 0, last_failed_login_at = NULL, locked_at = NULL
       FROM users old WHERE u.user_id = old.user_id AND u.username = $1
     RETURNING u.user_id, old.locked_at IS NOT NULL AS was_locked, old.failed_logins`,
    [username],
  );
  const row = r.rows[0];
  if (!row) return false;
  await appendSecurityAudit(db, {
    at: now,
    actor: by,
    action: 'account_unlocked',
    subject: row.user_id,
    detail: { wasLocked: row.was_locked, failedLogins: row.failed_logins },
  });
  return true;
}
