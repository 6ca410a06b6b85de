import type { Queryable } from '../db/database.ts';

/** A person as the desk shows them: their display name, never their id alone. */
export interface Person {
  userId: string;
  displayName: string;
  role: string;
}

/** Every agent and senior agent: the names in the queue and the bulk-assign choices. */
export async function readAgents(db: Queryable): Promise<Person[]> {
  const r = await db.query<{ user_id: string; display_name: string; role: string }>(
    `SELECT user_id, display_name, role FROM users
      WHERE role IN ('agent', 'senior_agent') ORDER BY display_name, user_id`,
  );
  return r.rows.map((u) => ({ userId: u.user_id, displayName: u.display_name, role: u.role }));
}

/** The people behind a set of user ids (authors, actors, approvers) that exist. */
export async function readPeople(db: Queryable, userIds: Iterable<string>): Promise<Person[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const r = await db.query<{ user_id: string; display_name: string; role: string }>(
    'SELECT user_id, display_name, role FROM users WHERE user_id = ANY($1::text[]) ORDER BY user_id',
    [ids],
  );
  return r.rows.map((u) => ({ userId: u.user_id, displayName: u.display_name, role: u.role }));
}
