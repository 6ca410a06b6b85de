import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMigrations } from '../../server/db/migrate.ts';
import { openTestDatabase } from './testServer.ts';

test('a migration id taken by another module is refused, not skipped', async () => {
  const t = await openTestDatabase('migration_ids');
  try {
    const first = { id: 900, name: 'first_module', statements: ['CREATE TABLE first_t (x int)'] };
    assert.deepEqual(await applyMigrations(t.db, [first]), [900]);
    // The same migration again is a no-op, as on every start.
    assert.deepEqual(await applyMigrations(t.db, [first]), []);
    const clash = { id: 900, name: 'second_module', statements: ['CREATE TABLE second_t (x int)'] };
    await assert.rejects(applyMigrations(t.db, [clash]), /migration id 900 is both/);
  } finally {
    await t.drop();
  }
});
