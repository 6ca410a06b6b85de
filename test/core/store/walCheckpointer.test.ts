import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { createWalCheckpointer } from '../../../electron/core/store/walCheckpointer.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import { tempDb } from '../helpers/tempDb.ts';

/** Resolves when `check` holds: waits on a state, never on a time. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

const PAGE = 4096;
/** A worker that never checkpoints fails the test instead of hanging it. */
const T = { timeout: 60_000 };
const autocheckpoint = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true });

/** About 2 MiB of rows in one commit: under SQLite's own 4 MiB checkpoint, so it stays in the log. */
function writeRows(db: Db, n: number): void {
  const insert = db.prepare('INSERT INTO page (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`row ${i} ${'x'.repeat(400)}`);
  })();
}

test(
  'a large write is copied into the database file by the worker, not by the writer',
  T,
  async (t) => {
    const { db, file } = tempDb(t);
    db.exec('CREATE TABLE page (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const checkpointer = createWalCheckpointer(db, {});
    t.after(() => checkpointer.stop());
    const before = statSync(file).size;
    writeRows(db, 5000);
    // SQLite would not have checkpointed this by itself: the file holds only the schema.
    assert.equal(statSync(file).size, before);

    checkpointer.wrote(10);
    assert.equal(autocheckpoint(db), 1000, 'a small write starts no worker');
    checkpointer.wrote(5000);
    assert.equal(autocheckpoint(db), 16_384, 'the writer checkpoints only past its bound');
    await until(() => statSync(file).size > 400 * PAGE);

    await checkpointer.stop();
    assert.equal(autocheckpoint(db), 1000, 'stopped, the writer checkpoints as before');
    db.close();
    const again = openDatabase(file);
    t.after(() => again.close());
    assert.equal(again.prepare('SELECT count(*) FROM page').pluck().get(), 5000);
  },
);

test('once started, the worker takes every later write, large or small', T, async (t) => {
  const { db, file } = tempDb(t);
  db.exec('CREATE TABLE page (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const checkpointer = createWalCheckpointer(db, {});
  t.after(() => checkpointer.stop());
  writeRows(db, 2000);
  checkpointer.wrote(2000);
  await until(() => statSync(file).size > 150 * PAGE);
  const afterFirst = statSync(file).size;
  writeRows(db, 1500);
  checkpointer.wrote(3);
  await until(() => statSync(file).size > afterFirst + 100 * PAGE);
});

test('a worker that cannot start leaves checkpoints to the writer', T, async (t) => {
  const { db } = tempDb(t);
  db.exec('CREATE TABLE page (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const checkpointer = createWalCheckpointer(db, { nativeBinding: '/nonexistent/sqlite.node' });
  t.after(() => checkpointer.stop());
  writeRows(db, 1000);
  checkpointer.wrote(1000);
  await until(() => autocheckpoint(db) === 1000);
  // Later writes neither start another worker nor lift the bound again.
  checkpointer.wrote(5000);
  assert.equal(autocheckpoint(db), 1000);
});
