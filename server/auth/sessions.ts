import { randomBytes } from 'node:crypto';
import type { Actor } from '../../shared/escrow/types.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { verifyPassword } from './passwords.ts';
import { actorOf } from './users.ts';
import type { UserRow } from './users.ts';

/** A dummy hash checked for unknown usernames, so timing does not reveal which names exist. */
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export interface Session {
  token: string;
  expiresAt: number;
  actor: Actor;
  displayName: string;
}

/**
 * Logs in with username and password; returns an opaque bearer token. Only the token's hash is
 * stored, so a database dump does not hand out sessions.
 */
export async function login(
  db: Queryable,
  username: string,
  password: string,
  now: number,
  ttlMs: number,
): Promise<Session | null> {
  const r = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  const user = r.rows[0];
  const good = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !good) return null;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  await db.query(
    'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
    [sha256Hex(token), user.user_id, now, expiresAt],
  );
  return { token, expiresAt, actor: actorOf(user), displayName: user.display_name };
}

/** The actor behind a bearer token, or null when unknown or expired (by server time). */
export async function actorForToken(
  db: Queryable,
  token: string,
  now: number,
): Promise<{ actor: Actor; displayName: string } | null> {
  const r = await db.query<UserRow & { expires_at: number }>(
    `SELECT u.*, s.expires_at FROM sessions s JOIN users u ON u.user_id = s.user_id
     WHERE s.token_sha256 = $1`,
    [sha256Hex(token)],
  );
  const row = r.rows[0];
  if (!row || row.expires_at <= now) return null;
  return { actor: actorOf(row), displayName: row.display_name };
}
