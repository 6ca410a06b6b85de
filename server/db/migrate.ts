import type { Database } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** A migration as a list of statements (the sync and dispute modules keep theirs this way). */
export interface StatementMigration {
  id: number;
  name: string;
  statements: string[];
}

/** The server's own numbered migrations (ids below 100). */
export async function runMigrations(db: Database): Promise<number[]> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  return applyMigrations(
    db,
    MIGRATIONS.map((m) => ({ id: m.id, name: m.name, statements: splitStatements(m.sql) })),
  );
}

/**
 * Applies every migration of `list` not yet recorded in `schema_migrations`, each in its own
 * transaction. An advisory lock keyed to the schema keeps two server instances starting
 * together from migrating twice.
 */
export async function applyMigrations(
  db: Database,
  list: readonly StatementMigration[],
): Promise<number[]> {
  const applied: number[] = [];
  for (const m of list) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrate:${db.schema}`]);
      const done = await tx.query<{ name: string }>(
        'SELECT name FROM schema_migrations WHERE id = $1',
        [m.id],
      );
      // Two modules that picked the same id would otherwise leave the second one's tables
      // missing without a word (it happened: the treasury and the refunds' return addresses).
      if (done.rows[0] && done.rows[0].name !== m.name)
        throw new Error(
          `migration id ${m.id} is both ${JSON.stringify(done.rows[0].name)} and ${JSON.stringify(m.name)}`,
        );
      if (done.rowCount > 0) return;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    });
  }
  return applied;
}

/**
 * Parameterised queries take one statement each; migrations separate theirs with a line holding
 * only `--;;` so function bodies may contain semicolons.
 */
function splitStatements(sql: string): string[] {
  return sql
    .split(/^--;;$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
