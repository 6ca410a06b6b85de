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

test('migration 0007 keeps every journal row, now in (shard, seq) order, still append-only', (t) => {
  const v6 = new Database(':memory:');
  t.after(() => v6.close());
  migrate(v6, MIGRATIONS.slice(0, 6));
  const insert = v6.prepare(
    `INSERT INTO sync_txns
       (shard, seq, txn_id, command_id, kind, at, currency, order_id, legs_json, prev_hash, hash)
     VALUES (?, ?, ?, 'c', 'payment_confirmed', 1, 'CNY', ?, '[]', 'p', 'h')`,
  );
  // Arrival order interleaves the shards, as a pull does.
  const arrived = [
    [3, 1],
    [0, 1],
    [3, 2],
    [0, 2],
    [7, 1],
  ] as const;
  for (const [shard, seq] of arrived) insert.run(shard, seq, `t${shard}-${seq}`, `o${seq}`);
  const before = v6.prepare('SELECT * FROM sync_txns ORDER BY shard, seq').all();
  migrate(v6, MIGRATIONS);
  assert.deepEqual(v6.prepare('SELECT * FROM sync_txns').all(), before, 'rows, in key order');
  assert.throws(() => v6.exec('UPDATE sync_txns SET hash = 1'), /append_only/);
  assert.throws(() => v6.exec('DELETE FROM sync_txns'), /append_only/);
  const plan = v6
    .prepare('EXPLAIN QUERY PLAN SELECT * FROM sync_txns ORDER BY shard, seq')
    .all() as { detail: string }[];
  assert.deepEqual(
    plan.map((p) => p.detail),
    ['SCAN sync_txns'],
    'read in key order with no index walk',
  );
});
