import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../server/db/database.ts';
import { JournalBatch } from '../../server/ledger/journalBatch.ts';
import { openTestDatabase } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

const AT = Date.UTC(2026, 0, 1);

// JournalBatch.lock reads heads and balance rows and creates missing rows in ONE statement, so
// its SELECT … FOR UPDATE runs on the statement's snapshot: a row another writer commits while
// the statement waits on it is neither inserted (conflict) nor seen. It must be locked again,
// never taken as a zero balance.
describe('journal locks in one statement', () => {
  let tdb: TestDatabase;
  let db: Database;
  let other: Database | null;
  before(async () => {
    tdb = await openTestDatabase('journal_locks');
    db = tdb.db;
    other = await tdb.openSibling();
  });
  after(() => tdb.drop());

  it('a balance row another writer commits meanwhile is locked with its balance, not read as zero', async (t) => {
    if (!other) return t.skip('needs PostgreSQL: PGlite has one connection');
    const deposit = 'merchant:mx:deposit';
    let commit!: () => void;
    const gate = new Promise<void>((r) => (commit = r));
    let inserted!: () => void;
    const insertedNow = new Promise<void>((r) => (inserted = r));
    // The other writer creates the row holding 500 fen (credit-normal: signed -500), uncommitted.
    let writerPid = 0;
    const writer = other.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO account_balances (shard, account, currency, normal, floor_zero, balance_fen)
         VALUES (3, $1, 'CNY', 'credit', true, -500)`,
        [deposit],
      );
      const me = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      writerPid = Number(me.rows[0]?.pid);
      inserted();
      await gate;
    });
    await insertedNow;
    const batch = db.transaction(async (tx) => {
      const journal = new JournalBatch(tx);
      // Takes 300 of the 500 back out of the deposit: refused if the row were read as zero.
      const posted = await journal.post({
        txnId: 't-locks-1',
        shard: 3,
        commandId: 't-locks-1',
        kind: 'recovery',
        at: AT,
        currency: 'CNY',
        legs: [
          { account: deposit, amountFen: 300 },
          { account: 'merchant:mx:available', amountFen: -300 },
        ],
      });
      await journal.flush();
      return posted;
    });
    // Once the batch's statement waits on the uncommitted row (a state PostgreSQL shows, not a
    // time that a loaded machine may overrun), commit the row.
    let settled = false;
    void batch.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) {
      const blocked = await db.query<{ n: number }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
        [writerPid],
      );
      if (Number(blocked.rows[0]?.n) > 0) break;
      await sleep(10);
    }
    assert.equal(settled, false, 'the batch finished without waiting on the uncommitted row');
    commit();
    await writer;
    const posted = await batch;
    assert.equal(posted.seq, 1);
    const r = await db.query<{ balance_fen: number }>(
      'SELECT balance_fen FROM account_balances WHERE shard = 3 AND account = $1',
      [deposit],
    );
    assert.equal(Number(r.rows[0]?.balance_fen), -200);
  });
});
