import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  foldingShares,
  journalSegments,
  splitSegments,
} from '../../../electron/core/replica/journalParts.ts';
import { verifyReplicaJournal } from '../../../electron/core/replica/replicaVerification.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { seedReplicaJournal } from '../../fixtures/replicaJournal.ts';

/**
 * A replica's verify read by part workers (journalParts.ts), each on its own read-only
 * connection to the real file, must find exactly what one reader in the calling thread finds:
 * the same problems at the same seqs, the same scoped chain head, tampering at a part's edge
 * included.
 */
let dir: string;
let db: Db;
const split = { workers: 3, rowsPerWorker: 500 };
const upTo = new Map([
  [3, 2_400],
  [9, 1_800],
]);
const oneThread = { workers: 1 };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'verify-parts-'));
  db = openDatabase(join(dir, 'replica.sqlite'));
  // Two shards: one whose rows follow each other, one with gaps between them (the replica
  // holds only its scope's share of that shard).
  seedReplicaJournal(db, { shard: 3, rows: 2_400 });
  seedReplicaJournal(db, { shard: 9, rows: 600, seqStep: 3, orderPrefix: 'w' });
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a verify in part workers', () => {
  test('the parts cover every row once, in (shard, seq) order', () => {
    const segments = journalSegments(db, upTo);
    assert.deepEqual(segments, [
      { shard: 3, from: 1, to: 2_400 },
      { shard: 9, from: 3, to: 1_800 },
    ]);
    const runs = splitSegments(segments, [1, 1, 1]);
    assert.equal(runs.length, 3);
    const flat = runs.flat();
    for (let i = 1; i < flat.length; i++) {
      const [a, b] = [flat[i - 1]!, flat[i]!];
      assert.ok(a.shard < b.shard || (a.shard === b.shard && a.to + 1 === b.from), `${i}`);
    }
    const spans = runs.map((r) => r.reduce((n, s) => n + s.to - s.from + 1, 0));
    assert.equal(
      spans.reduce((a, b) => a + b),
      2_400 + 1_800 - 3 + 1,
    );
    assert.ok(Math.max(...spans) - Math.min(...spans) <= 1, JSON.stringify(spans));
  });

  test('the part that also folds the whole chain tallies fewer rows than the others', () => {
    const spans = (shares: number[]) =>
      splitSegments(journalSegments(db, upTo), shares).map((r) =>
        r.reduce((n, s) => n + s.to - s.from + 1, 0),
      );
    const [first, ...rest] = spans(foldingShares(2));
    // Its tally and a fold of every row take about as long as the other part's tally.
    assert.ok(first! < rest[0]! * 0.8 && first! > rest[0]! * 0.5, `${first} against ${rest}`);
    const four = spans(foldingShares(4));
    assert.equal(four.length, 4);
    assert.ok(four[0]! < four[1]! / 2, JSON.stringify(four));
    assert.equal(
      four.reduce((a, b) => a + b),
      2_400 + 1_800 - 3 + 1,
    );
  });

  test('a clean replica: no problems, every row, the same head as one thread', async () => {
    const { workers, ...parts } = await verifyReplicaJournal(db, 'm1', split);
    const { workers: none, ...one } = await verifyReplicaJournal(db, 'm1', oneThread);
    // Three parts, each in a worker of its own; the first also folds.
    assert.deepEqual([workers, none], [3, 0]);
    assert.deepEqual(parts.local.problems, []);
    assert.equal(parts.local.transactions, 3_000);
    assert.equal(parts.checkpoint.local.count, 3_000);
    assert.deepEqual(parts.checkpoint.upTo, upTo);
    assert.deepEqual(parts, one);
  });

  test('stored balances: a wrong one, one at zero the entries are not, an unknown name', async () => {
    const balance = db.prepare<[string], { b: number }>(
      "SELECT balance_fen AS b FROM sync_balances WHERE currency = 'CNY' AND account = ?",
    );
    const set = db.prepare(
      `INSERT INTO sync_balances (currency, account, balance_fen) VALUES ('CNY', ?, ?)
       ON CONFLICT (currency, account) DO UPDATE SET balance_fen = excluded.balance_fen`,
    );
    const bank = balance.get('platform:bank:icbc')!.b;
    assert.equal(balance.get('escrow:order:v7')?.b, 0);
    // Most rows are at zero under a known name and are not read one by one (replicaVerification.ts).
    set.run('platform:bank:icbc', 0);
    set.run('escrow:order:v7', 5);
    set.run('escrow:order:nobody:else', 0);
    try {
      const { workers, ...parts } = await verifyReplicaJournal(db, 'm1', split);
      const { workers: none, ...one } = await verifyReplicaJournal(db, 'm1', oneThread);
      assert.deepEqual([workers, none], [3, 0]);
      assert.deepEqual(parts, one);
      const named = parts.local.problems.map((p) => `${p.code} ${p.detail}`).sort();
      assert.deepEqual(named, [
        `balance_mismatch CNY|escrow:order:v7: stored 5, entries 0`,
        `balance_mismatch CNY|platform:bank:icbc: stored 0, entries ${bank}`,
        'unknown_account CNY|escrow:order:nobody:else',
      ]);
    } finally {
      set.run('platform:bank:icbc', bank);
      set.run('escrow:order:v7', 0);
      db.prepare("DELETE FROM sync_balances WHERE account = 'escrow:order:nobody:else'").run();
    }
    assert.deepEqual((await verifyReplicaJournal(db, 'm1', split)).local.problems, []);
  });

  test('rows edited inside a part and at a part edge are named as one thread names them', async () => {
    const [, second] = splitSegments(journalSegments(db, upTo), foldingShares(3));
    // The second part starts inside shard 3, whose rows link to each other.
    const edge = second![0]!;
    assert.equal(edge.shard, 3);
    db.exec('DROP TRIGGER IF EXISTS sync_txns_no_update');
    const legs = db.prepare('UPDATE sync_txns SET legs_json = ? WHERE shard = ? AND seq = ?');
    // A fen more on both legs (still balanced) deep in the first part; the stored hash of the
    // first part's last row, so the next part's first row no longer links to it; a leg of
    // shard 9 taken off (unbalanced, one leg).
    legs.run(
      '[{"account":"platform:bank:icbc","amountFen":1502},{"account":"escrow:order:v251","amountFen":-1502}]',
      3,
      501,
    );
    db.prepare('UPDATE sync_txns SET hash = ? WHERE shard = ? AND seq = ?').run(
      '1'.repeat(64),
      3,
      edge.from - 1,
    );
    legs.run('[{"account":"platform:bank:icbc","amountFen":1003}]', 9, 3);
    const { workers, ...parts } = await verifyReplicaJournal(db, 'm1', split);
    const { workers: none, ...one } = await verifyReplicaJournal(db, 'm1', oneThread);
    assert.deepEqual([workers, none], [3, 0]);
    assert.deepEqual(parts, one);
    const at = parts.local.problems
      .filter((p) => p.code === 'hash_chain_broken')
      .map((p) => [p.shard, p.seq]);
    assert.deepEqual(at, [
      [3, 501],
      [3, edge.from - 1],
      [3, edge.from],
      [9, 3],
    ]);
    assert.ok(parts.local.problems.some((p) => p.code === 'too_few_legs' && p.seq === 3));
  });

  test('a part worker that cannot open the file leaves its part to this thread', async () => {
    const broken = await verifyReplicaJournal(db, 'm1', {
      ...split,
      nativeBinding: join(dir, 'no-such-addon.node'),
    });
    assert.equal(broken.workers, 0);
    assert.deepEqual(broken, await verifyReplicaJournal(db, 'm1', oneThread));
  });
});
