import { randomBytes } from 'node:crypto';
import type { Actor } from '../../shared/escrow/types.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { actorOf } from './users.ts';
import type { UserRow } from './users.ts';

export interface Session {
  token: string;
  expiresAt: number;
  actor: Actor;
  displayName: string;
}

/**
 * Logs in with username and password; returns an opaque bearer token. Only the token's hash is
 * stored, so a database dump does not hand out sessions. A hash cheaper than today's cost is
 * replaced after the password checked out. (No throttling here: the HTTP route goes through
 * loginGuard.ts; tests and benchmarks call this directly.)
 */
export async function login(
  db: Queryable,
  username: string,
  password: string,
  now: number,
  ttlMs: number,
  opts: { clientKey?: string } = {},
): Promise<Session | null> {
  const r = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  const user = r.rows[0];
  return checkAndOpen(db, user, password, now, ttlMs, opts.clientKey);
}

/** Checks the password of `user` (or a dummy when unknown) and opens a session when it fits. */
export async function checkAndOpen(
  db: Queryable,
  user: UserRow | undefined,
  password: string,
  now: number,
  ttlMs: number,
  clientKey?: string,
): Promise<Session | null> {
  const good = await verifyPassword(
    password,
    user?.password_hash ?? (await dummyHash()),
    clientKey === undefined ? {} : { key: clientKey },
  );
  if (!user || !good) return null;
  if (needsRehash(user.password_hash)) {
    await db.query('UPDATE users SET password_hash = $2 WHERE user_id = $1', [
      user.user_id,
      await hashPassword(password),
    ]);
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  await db.query(
    'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
    [sha256Hex(token), user.user_id, now, expiresAt],
  );
  return { token, expiresAt, actor: actorOf(user), displayName: user.display_name };
}

/** Ends one session (logout). Returns whether it existed. */
export async function endSession(db: Queryable, token: string): Promise<boolean> {
  const r = await db.query('DELETE FROM sessions WHERE token_sha256 = $1', [sha256Hex(token)]);
  return r.rowCount > 0;
}

/** Ends every session of a user (revocation). Returns how many there were. */
export async function revokeSessions(db: Queryable, userId: string): Promise<number> {
  const r = await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  return r.rowCount;
}

/** Deletes sessions that expired by `now` (server time). Returns how many. */
export async function purgeExpiredSessions(db: Queryable, now: number): Promise<number> {
  const r = await db.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  return r.rowCount;
}
