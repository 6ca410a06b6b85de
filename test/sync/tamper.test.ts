import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import { paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, syncUntilDone, tempDir } from './syncTestDesk.ts';

let server: SyncTestServer;
let dir: string;

before(async () => {
  server = await startSyncServer('sync_tamper');
  dir = tempDir();
  for (let i = 1; i <= 6; i++) await paidOrder(server, `t${i}`);
});
after(async () => {
  await server.close();
  removeDir(dir);
});

/**
 * One ledger truth: the desk rehashes every journal row it holds with the same shared code the
 * server's verify runs, so an entry edited in place — in a desk's replica or in the server's
 * database — is named the same way, at the same seq, on both sides.
 */
test('a legs row edited in a desk replica and an entry edited on the server are both hash_chain_broken at that seq', async () => {
  const desk = openDesk(
    join(dir, 'desk.sqlite'),
    server.url,
    server.tokens.get('staff1')!,
    server.actors.get('staff1')!,
  );
  try {
    await syncUntilDone(desk);
    assert.deepEqual((await desk.client.verifyReplica()).problems, []);
    assert.deepEqual((await verifyLedger(server.db)).problems, []);

    const row = desk.db
      .prepare("SELECT shard, seq, txn_id, legs_json FROM sync_txns WHERE order_id = 't3'")
      .get() as { shard: number; seq: number; txn_id: string; legs_json: string };
    // The journal is chained per shard: the row lives in its merchant's shard.
    assert.equal(row.shard, shardOf('m1'));
    const legs = JSON.parse(row.legs_json) as { account: string; amountFen: number }[];
    // Someone with the file takes one fen off the first leg, as the server edit below does.
    const edited = legs.map((l, i) => (i === 0 ? { ...l, amountFen: l.amountFen - 1 } : l));
    desk.db.exec('DROP TRIGGER sync_txns_no_update');
    desk.db
      .prepare('UPDATE sync_txns SET legs_json = ? WHERE shard = ? AND seq = ?')
      .run(JSON.stringify(edited), row.shard, row.seq);

    const onDesk = await desk.client.verifyReplica();
    assert.equal(onDesk.ok, false);

    await server.db.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only');
    try {
      await server.db.query(
        `UPDATE ledger_entries SET amount_fen = amount_fen - 1
          WHERE txn_id = $1 AND leg_no = 0`,
        [row.txn_id],
      );
      const onServer = await verifyLedger(server.db);
      assert.equal(onServer.ok, false);
      const firstDesk = onDesk.problems[0]!;
      const firstServer = onServer.problems[0]!;
      assert.equal(firstDesk.seq, row.seq, JSON.stringify(onDesk.problems));
      assert.equal(firstServer.seq, row.seq, JSON.stringify(onServer.problems));
      assert.equal(firstDesk.shard, row.shard, JSON.stringify(onDesk.problems));
      assert.equal(firstServer.shard, row.shard, JSON.stringify(onServer.problems));
      assert.equal(firstDesk.code, firstServer.code);
      for (const problems of [onDesk.problems, onServer.problems])
        assert.ok(
          problems.some(
            (p) => p.code === 'hash_chain_broken' && p.seq === row.seq && p.shard === row.shard,
          ),
          JSON.stringify(problems),
        );
    } finally {
      await server.db.query(
        `UPDATE ledger_entries SET amount_fen = amount_fen + 1
          WHERE txn_id = $1 AND leg_no = 0`,
        [row.txn_id],
      );
      await server.db.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only');
    }
    assert.deepEqual((await verifyLedger(server.db)).problems, []);
  } finally {
    desk.close();
  }
});
