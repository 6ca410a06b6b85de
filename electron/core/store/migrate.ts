import type Database from 'better-sqlite3';
import { DeskError } from '../../../shared/errors.ts';
import type { Migration } from './migrations/index.ts';

/**
 * Brings the schema to the newest version. Each migration runs in its own transaction together
 * with its `user_version` bump, so a crash leaves the database at one version or the next,
 * never in between.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is out of sequence`);
  });
  let current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.length;
  if (current > newest) {
    // Opening a database written by a newer build would silently drop its invariants.
    throw new DeskError(
      'unavailable',
      `database schema version ${current} is newer than this build (${newest})`,
    );
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    current = m.version;
  }
  return current;
}
