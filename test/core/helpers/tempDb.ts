import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';

/** A fresh database file in its own temp directory, closed and removed when the test ends. */
export function tempDb(t: TestContext): { db: Db; file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'desk-core-'));
  const file = join(dir, 'desk.sqlite');
  const db = openDatabase(file);
  t.after(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, file, dir };
}

/** Row counts of every table: equal before and after means nothing was written. */
export function rowCounts(db: Db): Record<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get() as number]),
  );
}

/**
 * Removes the append-only triggers so a test can write the corruption verifyLedger must find.
 * Only ever done to a test's own database.
 */
export function dropAppendOnlyTriggers(db: Db): void {
  const triggers = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
    .pluck()
    .all() as string[];
  for (const name of triggers) db.exec(`DROP TRIGGER "${name}"`);
}
