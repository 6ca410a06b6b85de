import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../server/db/database.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import { prepareDisputeSchema } from '../../server/disputes/disputeMigrations.ts';
import { appendChangeRows } from '../../server/escrow/changeLog.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import { AGENT_SCOPE_TRIGGER_SQL } from '../../server/sync/agentScopeTrigger.ts';
import { prepareSyncSchema } from '../../server/sync/syncMigrations.ts';
import { openTestDatabase } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

/** The dispute follower as dispute migration 300 made it, before the log's payload was json. */
const DISPUTE_FOLLOWER_BEFORE_0010 = [
  `CREATE OR REPLACE FUNCTION dispute_case_from_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.kind = 'order' AND jsonb_typeof(NEW.payload->'claims') = 'array'
        AND jsonb_array_length(NEW.payload->'claims') > 0 THEN
       PERFORM dispute_case_sync(NEW.payload, NEW.command_id, NEW.created_at);
     END IF;
     RETURN NEW;
   END
   $$`,
  `CREATE TRIGGER dispute_cases_follow_orders AFTER INSERT ON changes
     FOR EACH ROW EXECUTE FUNCTION dispute_case_from_change()`,
];

/** An order holding one claim, and the timeline entry that filed it, as the log carries them. */
function claimChanges(orderId: string) {
  const claim = {
    claimId: `cl-${orderId}`,
    status: 'submitted',
    amountFen: 500,
    paidFen: 0,
    filedAt: T0,
    dueAt: T0 + 86_400_000,
    decidedAt: null,
    reason: 'not received',
  };
  const scope = {
    shard: shardOf('m1'),
    merchantId: 'm1',
    buyerId: 'b1',
    commandId: `file-${orderId}`,
    createdAt: T0,
  };
  return [
    {
      kind: 'order' as const,
      key: orderId,
      payload: { orderId, merchantId: 'm1', buyerId: 'b1', claims: [claim] },
      ...scope,
    },
    {
      kind: 'order_event' as const,
      key: orderId,
      payload: { orderId, version: 5, type: 'claim_filed', event: { type: 'claim_filed' } },
      ...scope,
    },
  ];
}

async function followed(db: Database, orderId: string): Promise<[number, number]> {
  const cases = await db.query('SELECT 1 FROM dispute_cases WHERE order_id = $1', [orderId]);
  const scope = await db.query('SELECT 1 FROM agent_scope_entries WHERE order_id = $1', [orderId]);
  return [cases.rowCount, scope.rowCount];
}

describe('migration 0010: the change log and command outcomes as json', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('json_logs');
    await prepareSyncSchema(t.db);
    await prepareDisputeSchema(t.db);
  });
  after(() => t.drop());

  it('a new database logs json, and its triggers still follow claims', async () => {
    const types = await t.db.query<{ table_name: string; data_type: string }>(
      `SELECT table_name, data_type FROM information_schema.columns
        WHERE table_schema = current_schema()
          AND (table_name, column_name) IN (('changes', 'payload'), ('commands', 'result'))
        ORDER BY 1`,
    );
    assert.deepEqual(
      types.rows.map((r) => [r.table_name, r.data_type]),
      [
        ['changes', 'json'],
        ['commands', 'json'],
      ],
    );
    await t.db.transaction((tx) => appendChangeRows(tx, claimChanges('new-1')));
    assert.deepEqual(await followed(t.db, 'new-1'), [1, 1]);
  });

  it('an older database with sync and dispute tables upgrades and keeps following', async () => {
    // Back to how a database stood before 0010: jsonb columns, the old dispute follower.
    for (const sql of [
      'DROP TRIGGER changes_note_agent_scope_entry ON changes',
      'DROP TRIGGER dispute_cases_follow_orders ON changes',
      'ALTER TABLE changes ALTER COLUMN payload TYPE jsonb',
      'ALTER TABLE commands ALTER COLUMN result TYPE jsonb',
      AGENT_SCOPE_TRIGGER_SQL,
      ...DISPUTE_FOLLOWER_BEFORE_0010,
      'DELETE FROM schema_migrations WHERE id IN (10, 302)',
    ])
      await t.db.query(sql);
    await t.db.transaction((tx) => appendChangeRows(tx, claimChanges('old-1')));
    assert.deepEqual(await followed(t.db, 'old-1'), [1, 1], 'the old set-up followed claims');

    assert.deepEqual(await runMigrations(t.db), [10]);
    // Before the dispute module's own migration runs again (an admin command, say).
    await t.db.transaction((tx) => appendChangeRows(tx, claimChanges('up-1')));
    assert.deepEqual(await followed(t.db, 'up-1'), [1, 1]);
    await prepareDisputeSchema(t.db);
    await t.db.transaction((tx) => appendChangeRows(tx, claimChanges('up-2')));
    assert.deepEqual(await followed(t.db, 'up-2'), [1, 1]);
    // What was logged before the upgrade reads back the same.
    const old = await t.db.query<{ payload: { claims: unknown[] } }>(
      "SELECT payload FROM changes WHERE key = 'old-1' AND kind = 'order'",
    );
    assert.equal(old.rows[0]!.payload.claims.length, 1);
  });
});
