import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refetchableTransaction } from '../../../electron/core/store/refetchableTransaction.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import { tempDb } from '../helpers/tempDb.ts';

const FULL = 2;
const NORMAL = 1;
const level = (db: ReturnType<typeof openDatabase>) => db.pragma('synchronous', { simple: true });

test('a refetchable write commits at synchronous NORMAL and leaves the database FULL', (t) => {
  const { db, file } = tempDb(t);
  db.exec('CREATE TABLE page (n INTEGER NOT NULL)');
  let inside: unknown;
  refetchableTransaction(db, () => {
    inside = level(db);
    db.prepare('INSERT INTO page VALUES (1)').run();
  });
  assert.equal(inside, NORMAL);
  assert.equal(level(db), FULL, 'the outbox and every other write stay FULL');
  db.close();
  const again = openDatabase(file);
  t.after(() => again.close());
  assert.deepEqual(again.prepare('SELECT n FROM page').all(), [{ n: 1 }]);
});

test('a refetchable write that throws writes nothing and leaves the database FULL', (t) => {
  const { db } = tempDb(t);
  db.exec('CREATE TABLE page (n INTEGER NOT NULL)');
  assert.throws(
    () =>
      refetchableTransaction(db, () => {
        db.prepare('INSERT INTO page VALUES (1)').run();
        throw new Error('bad page');
      }),
    /bad page/,
  );
  assert.equal(level(db), FULL);
  assert.deepEqual(db.prepare('SELECT n FROM page').all(), []);
});

test('inside another transaction it is part of that one, at its safety level', (t) => {
  const { db } = tempDb(t);
  db.exec('CREATE TABLE page (n INTEGER NOT NULL)');
  let inside: unknown;
  db.transaction(() =>
    refetchableTransaction(db, () => {
      inside = level(db);
      db.prepare('INSERT INTO page VALUES (1)').run();
    }),
  ).immediate();
  assert.equal(inside, FULL);
  assert.deepEqual(db.prepare('SELECT n FROM page').all(), [{ n: 1 }]);
});
