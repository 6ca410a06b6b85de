import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../../electron/core/store/migrate.ts';
import { MIGRATIONS } from '../../../electron/core/store/migrations/index.ts';
import { CACHE_KIB, openDatabase } from '../../../electron/core/store/openDatabase.ts';
import { transaction } from '../../../electron/core/store/transaction.ts';
import { tempDb } from '../helpers/tempDb.ts';

test('a new database is durable: WAL, synchronous FULL, foreign keys, busy timeout', (t) => {
  const { db } = tempDb(t);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.ok((db.pragma('busy_timeout', { simple: true }) as number) > 0);
});

test("the page cache is sized for the write path, not SQLite's 2 MiB default", (t) => {
  const { db } = tempDb(t);
  assert.equal(db.pragma('cache_size', { simple: true }), -CACHE_KIB);
});

test('migrations bring user_version to the newest and reopening applies nothing twice', (t) => {
  const { db, file } = tempDb(t);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  db.close();
  const again = openDatabase(file);
  assert.equal(again.pragma('user_version', { simple: true }), MIGRATIONS.length);
  again.close();
});

test('a failing migration leaves the database at the previous version with nothing of it applied', (t) => {
  const { db } = tempDb(t);
  const before = db.pragma('user_version', { simple: true }) as number;
  const broken = [
    ...MIGRATIONS,
    { version: before + 1, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM missing;' },
  ];
  assert.throws(() => migrate(db, broken), Database.SqliteError);
  assert.equal(db.pragma('user_version', { simple: true }), before);
  const half = db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half'").get();
  assert.equal(half, undefined);
});

test('a database written by a newer build is refused', (t) => {
  const { db, file } = tempDb(t);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  assert.throws(() => openDatabase(file), { code: 'unavailable' });
});

test('transaction rolls back everything when its function throws', (t) => {
  const { db } = tempDb(t);
  db.exec('CREATE TABLE scratch (x INTEGER)');
  assert.throws(() =>
    transaction(db, () => {
      db.prepare('INSERT INTO scratch VALUES (1)').run();
      throw new Error('boom');
    }),
  );
  assert.equal(db.prepare('SELECT COUNT(*) FROM scratch').pluck().get(), 0);
  transaction(db, () => db.prepare('INSERT INTO scratch VALUES (2)').run());
  assert.equal(db.prepare('SELECT COUNT(*) FROM scratch').pluck().get(), 1);
});
