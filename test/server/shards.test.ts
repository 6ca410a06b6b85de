import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderLifecycle } from '../../bench/orderLifecycle.ts';
import { createMerchant } from '../../server/auth/users.ts';
import { ManualClock } from '../../server/clock.ts';
import type { Database, Queryable } from '../../server/db/database.ts';
import { applyBatch } from '../../server/escrow/applyCommand.ts';
import { appendChangeRows } from '../../server/escrow/changeLog.ts';
import type { ChangeLogRow } from '../../server/escrow/changeLog.ts';
import { CommandQueue } from '../../server/escrow/commandQueue.ts';
import { readBalances } from '../../server/ledger/balances.ts';
import { latestRollup, takeRollup } from '../../server/ledger/ledgerRollup.ts';
import { fundGuaranteeFund } from '../../server/ledger/platformFunding.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { pullChanges } from '../../server/sync/pullChanges.ts';
import { decodeCookie } from '../../server/sync/syncCookie.ts';
import { prepareSyncSchema } from '../../server/sync/syncMigrations.ts';
import type { SyncScope } from '../../server/sync/syncScope.ts';
import { SHARDS, shardOf } from '../../shared/ledger/shards.ts';
import { openTestDatabase, postgresReachable } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

const T0 = Date.UTC(2026, 0, 5);
// Merchants on different shards (m1 → 3, m2 → 6): the test is about them not meeting.
const M1 = 'm1';
const M2 = 'm2';

/** Resolves when `check` holds: waits on a state, never on a time. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setImmediate(r));
}

/** Another session holding a shard's head row, as a long batch of that shard would. */
function holdShardHead(db: Database, shard: number): ReturnType<typeof holdOpen> {
  return holdOpen(db, async (tx) => {
    await tx.query('SELECT 1 FROM shard_heads WHERE shard = $1 FOR UPDATE', [shard]);
  });
}

/** Until some session of this database waits for a lock (a batch stuck behind a held head). */
function untilALockIsAwaited(db: Database): Promise<void> {
  return until(async () => {
    const r = await db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    return Number(r.rows[0]!.n) > 0;
  });
}

/** A transaction held open until `release` is called (a second real PostgreSQL session). */
function holdOpen(
  db: Database,
  inside: (tx: Queryable) => Promise<void>,
): { ready: Promise<void>; release: () => void; done: Promise<void> } {
  let release = () => {};
  let ready = () => {};
  const readyP = new Promise<void>((r) => (ready = r));
  const releaseP = new Promise<void>((r) => (release = r));
  const done = db.transaction(async (tx) => {
    await inside(tx);
    ready();
    await releaseP;
  });
  return { ready: readyP, release, done };
}

describe('the journal and change log per shard', () => {
  let tdb: TestDatabase;
  let db: Database;
  let pg = false;

  before(async () => {
    pg = await postgresReachable();
    tdb = await openTestDatabase('shards');
    db = tdb.db;
    await prepareSyncSchema(db);
    assert.notEqual(shardOf(M1), shardOf(M2));
    for (const m of [M1, M2]) await createMerchant(db, { merchantId: m, name: m, feeBps: 60 }, T0);
    await fundGuaranteeFund(db, { fundingId: 'gf', amountFen: 16_000, bank: 'icbc', at: T0 });
  });
  after(() => tdb.drop());

  it('a shard on another placement commits while a shard’s head is held; the held one waits', async (t) => {
    if (!pg) return t.skip('needs PostgreSQL: two real sessions');
    // Each shard its own placement, as shards on different Citus workers would be.
    const queue = new CommandQueue(db, new ManualClock(T0), { placementOf: (shard) => shard });
    const [create1, pay1] = orderLifecycle('a-1', M1, 1_000);
    const [create2, pay2] = orderLifecycle('a-2', M2, 2_000);
    for (const o of await Promise.all([queue.submit(create1!), queue.submit(create2!)]))
      assert.equal(o.outcome.ok, true, JSON.stringify(o));

    // Another session takes m1's shard head and keeps it, as a long batch of that shard would.
    const held = holdShardHead(db, shardOf(M1));
    await held.ready;
    try {
      const waitingPay1 = queue.submit(pay1!);
      // m1's payment is inside PostgreSQL, waiting for that row lock…
      await until(async () => {
        const r = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE NOT l.granted AND c.relname = 'shard_heads'`,
        );
        const w = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND datname = current_database()
              AND query LIKE '%shard_heads%'`,
        );
        return Number(r.rows[0]!.n) + Number(w.rows[0]!.n) > 0;
      });
      // …while m2's payment, on another shard, commits through the same queue.
      const paid2 = await queue.submit(pay2!);
      assert.equal(paid2.outcome.ok, true, JSON.stringify(paid2));
      const r = await db.query<{ status: string }>(
        "SELECT status FROM orders WHERE order_id = 'a-2'",
      );
      assert.equal(r.rows[0]!.status, 'funds_held');
      const still = await db.query<{ status: string }>(
        "SELECT status FROM orders WHERE order_id = 'a-1'",
      );
      assert.equal(still.rows[0]!.status, 'awaiting_payment');
      held.release();
      await held.done;
      const paid1 = await waitingPay1;
      assert.equal(paid1.outcome.ok, true, JSON.stringify(paid1));
    } finally {
      held.release();
      await held.done.catch(() => {});
    }
    const report = await verifyLedger(db);
    assert.deepEqual(report.problems, []);
  });

  it('on one database, commands of every shard share the next batch, in arrival order', async (t) => {
    if (!pg) return t.skip('needs PostgreSQL: two real sessions');
    const queue = new CommandQueue(db, new ManualClock(T0));
    const [create1, pay1] = orderLifecycle('c-1', M1, 1_200);
    const [create2, pay2] = orderLifecycle('c-2', M2, 2_200);
    // m1's head is held, so the first batch (m1's create) stays in flight…
    const held = holdShardHead(db, shardOf(M1));
    await held.ready;
    try {
      const first = queue.submit(create1!);
      await untilALockIsAwaited(db);
      // …and what arrives meanwhile, of both shards, waits for it: the price of one batch
      // across shards on one node (commandQueue.ts).
      const rest = [create2!, pay1!, pay2!].map((e) => queue.submit(e));
      assert.equal(queue.depth, 3);
      held.release();
      await held.done;
      const outcomes = await Promise.all([first, ...rest]);
      assert.deepEqual(
        outcomes.map((o) => [o.order?.orderId, o.order?.status]),
        [
          ['c-1', 'awaiting_payment'],
          ['c-2', 'awaiting_payment'],
          ['c-1', 'funds_held'],
          ['c-2', 'funds_held'],
        ],
      );
      assert.deepEqual(queue.stats, { batches: 2, commands: 4, largestBatch: 3 });
    } finally {
      held.release();
      await held.done.catch(() => {});
    }
    assert.deepEqual((await verifyLedger(db)).problems, []);
  });

  it('a create that loses its order id to another session answers order_exists', async (t) => {
    if (!pg) return t.skip('needs PostgreSQL: two real sessions');
    const [create] = orderLifecycle('race-1', M1, 1_100);
    const winner = holdOpen(db, async (tx) => {
      const [o] = await applyBatch(tx, [create!], T0);
      assert.ok(o!.ok, JSON.stringify(o));
    });
    await winner.ready;
    // The same order id under another command id, alone in its batch: its INSERT waits for
    // the winner's uncommitted row, then finds it taken.
    const loser = db.transaction((tx) =>
      applyBatch(tx, [{ ...create!, commandId: 'race-1-create-again' }], T0 + 1),
    );
    await untilALockIsAwaited(db);
    winner.release();
    await winner.done;
    const [outcome] = await loser;
    assert.equal(!outcome!.ok && outcome!.error.code, 'order_exists', JSON.stringify(outcome));
    const events = await db.query(`SELECT command_id FROM order_events WHERE order_id = 'race-1'`);
    assert.deepEqual(events.rows, [{ command_id: 'race-1-create' }]);
    assert.deepEqual((await verifyLedger(db)).problems, []);
  });

  it('a payment sent right behind its order’s create waits for it in the create’s shard', async (t) => {
    if (!pg) return t.skip('needs PostgreSQL: two real sessions');
    // The payment names an order the database does not have yet; routed anywhere but the
    // create's shard it would be decided before the create commits and refused.
    assert.notEqual(shardOf(M1), 0, 'the look-up fallback shard must differ for this test');
    const queue = new CommandQueue(db, new ManualClock(T0), { placementOf: (shard) => shard });
    const [create, pay] = orderLifecycle('b-1', M1, 1_500);
    const held = holdShardHead(db, shardOf(M1));
    await held.ready;
    try {
      const created = queue.submit(create!);
      // The create's batch is inside PostgreSQL, waiting for the held head…
      await untilALockIsAwaited(db);
      // …when the payment arrives: it waits behind the create instead of racing it.
      const paid = queue.submit(pay!);
      held.release();
      await held.done;
      const [c, p] = await Promise.all([created, paid]);
      assert.deepEqual(
        [c.outcome.ok, c.order?.status, p.outcome.ok, p.order?.status],
        [true, 'awaiting_payment', true, 'funds_held'],
        JSON.stringify(p.outcome),
      );
    } finally {
      held.release();
      await held.done.catch(() => {});
    }
  });

  it('two processes’ queues, each batching across shards, drive the same shards to the end', async (t) => {
    const sibling = pg ? await tdb.openSibling() : null;
    if (!sibling) return t.skip('needs PostgreSQL: a second pool, as a second API process');
    // Each command of an order goes through the other process's queue than the one before, so
    // both processes' batches hold both shards' heads and sub-accounts, turn by turn.
    const queues = [db, sibling].map((d) => new CommandQueue(d, new ManualClock(T0)));
    const orders = Array.from({ length: 24 }, (_, i) =>
      orderLifecycle(`x-${i}`, i % 2 ? M2 : M1, 1_000 + i),
    );
    const outcomes = await Promise.all(
      orders.map(async (steps, i) => {
        const done: string[] = [];
        for (const [k, step] of steps.entries()) {
          const o = await queues[(i + k) % 2]!.submit(step);
          done.push(o.outcome.ok ? o.order!.status : o.outcome.error.code);
        }
        return done;
      }),
    );
    for (const done of outcomes)
      assert.deepEqual(done, ['awaiting_payment', 'funds_held', 'shipped', 'completed']);
    for (const q of queues) assert.ok(q.stats.largestBatch > 1, JSON.stringify(q.stats));
    assert.deepEqual((await verifyLedger(db)).problems, []);
  });

  it('platform accounts are sub-accounts per shard, and balances sum them', async () => {
    const rows = await db.query<{ shard: number; balance_fen: string }>(
      `SELECT shard, balance_fen::text FROM account_balances
        WHERE account = 'platform:guarantee_fund' ORDER BY shard`,
    );
    assert.deepEqual(
      rows.rows.map((r) => Number(r.shard)),
      [...SHARDS],
    );
    // 16,000 over 16 shards; compensation would draw from its own shard's 1,000.
    for (const r of rows.rows) assert.equal(Number(r.balance_fen), -1_000);
    const [fund] = await readBalances(db, ['platform:guarantee_fund']);
    assert.equal(fund!.balanceFen, 16_000);
  });

  it('the roll-up root changes with any shard head, and verify checks the stored one', async () => {
    const first = await takeRollup(db, T0);
    assert.equal(first.heads.length, SHARDS.length);
    assert.equal((await takeRollup(db, T0 + 1)).root, first.root, 'nothing moved, same root');
    for (const [i, m] of [M1, M2].entries()) {
      const before = await takeRollup(db, T0 + 10 + i);
      const [, , ship] = orderLifecycle(`c-${m}`, m, 500);
      const [create, pay] = orderLifecycle(`c-${m}`, m, 500);
      await db.transaction((tx) => applyBatch(tx, [create!, pay!, ship!], T0 + 20 + i));
      const afterwards = await takeRollup(db, T0 + 30 + i);
      assert.notEqual(afterwards.root, before.root, `a posting in ${m}'s shard moves the root`);
      const moved = afterwards.heads.filter(
        (h, k) => h.seq !== before.heads[k]!.seq || h.hash !== before.heads[k]!.hash,
      );
      assert.deepEqual(
        moved.map((h) => h.shard),
        [shardOf(m)],
      );
    }
    const good = await verifyLedger(db);
    assert.deepEqual(good.problems, []);
    assert.equal(good.root, (await latestRollup(db))!.root);

    // A roll-up that names a head the chain does not have is refused by verify.
    const last = (await latestRollup(db))!;
    const forged = last.heads.map((h) =>
      h.shard === shardOf(M2) ? { ...h, hash: 'f'.repeat(64) } : h,
    );
    await db.query('INSERT INTO ledger_rollups (at, root, heads) VALUES ($1, $2, $3::jsonb)', [
      T0 + 40,
      last.root,
      JSON.stringify(forged),
    ]);
    const bad = await verifyLedger(db);
    const codes = bad.problems.map((p) => [p.code, p.shard]);
    assert.ok(
      codes.some(([c, s]) => c === 'rollup_mismatch' && s === shardOf(M2)),
      JSON.stringify(bad.problems),
    );
    // The root no longer matches the heads it names either.
    assert.ok(bad.problems.some((p) => p.code === 'rollup_mismatch' && p.shard === undefined));
    await takeRollup(db, T0 + 50);
    assert.deepEqual((await verifyLedger(db)).problems, []);
  });

  it('an entry tampered in one shard is named by its shard, code and first bad seq', async () => {
    const target = await db.query<{ shard: number; seq: number; txn_id: string }>(
      `SELECT shard, seq, txn_id FROM ledger_transactions
        WHERE shard = $1 AND order_id IS NOT NULL ORDER BY seq LIMIT 1`,
      [shardOf(M2)],
    );
    const row = target.rows[0]!;
    await db.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only');
    try {
      await db.query(
        'UPDATE ledger_entries SET amount_fen = amount_fen + 1 WHERE txn_id = $1 AND leg_no = 0',
        [row.txn_id],
      );
      const report = await verifyLedger(db);
      const first = report.problems[0]!;
      assert.equal(first.shard, Number(row.shard));
      assert.equal(first.seq, Number(row.seq));
      assert.ok(
        report.problems.some(
          (p) =>
            p.code === 'hash_chain_broken' &&
            p.shard === Number(row.shard) &&
            p.seq === Number(row.seq),
        ),
        JSON.stringify(report.problems),
      );
      // Nothing is said about the other shards' chains.
      assert.ok(
        report.problems.every(
          (p) => p.code !== 'hash_chain_broken' || p.shard === Number(row.shard),
        ),
      );
    } finally {
      await db.query(
        'UPDATE ledger_entries SET amount_fen = amount_fen - 1 WHERE txn_id = $1 AND leg_no = 0',
        [row.txn_id],
      );
      await db.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only');
    }
    assert.deepEqual((await verifyLedger(db)).problems, []);
  });

  it('a seller desk’s cookie holds only its merchant’s shard', async () => {
    const scope: SyncScope = { kind: 'merchant', merchantId: M1, maskRecipients: true };
    const clientId = '0190a000-0000-7000-8000-000000000001';
    let cookie: string | null = null;
    for (;;) {
      const page = JSON.parse(await pullChanges(db, scope, { clientId, cookie })) as {
        cookie: string;
        more: boolean;
      };
      cookie = page.cookie;
      const c = decodeCookie(cookie)!;
      const named = c.kind === 'log' ? c.cursors : c.hw;
      assert.deepEqual([...named.keys()], [shardOf(M1)], cookie);
      if (!page.more) break;
    }
    // A cookie naming other shards is not this desk's: it is refused, and the desk starts over.
    await assert.rejects(
      pullChanges(db, scope, { clientId, cookie: `l2.${shardOf(M1)}:1,${shardOf(M2)}:1` }),
      /unknown sync cookie/,
    );
  });

  it('an agent desk pulling with a cursor vector misses and repeats nothing when shards commit out of order', async (t) => {
    if (!pg) return t.skip('needs PostgreSQL: two real sessions');
    const scope: SyncScope = { kind: 'agent' };
    const clientId = '0190a000-0000-7000-8000-000000000002';
    const seen: string[] = [];
    let cookie: string | null = null;
    const pullAll = async () => {
      for (;;) {
        const page = JSON.parse(await pullChanges(db, scope, { clientId, cookie, limit: 3 })) as {
          cookie: string;
          more: boolean;
          changes: Array<Record<string, unknown>>;
        };
        cookie = page.cookie;
        for (const c of page.changes)
          if (c.kind === 'order_event')
            seen.push(String((c.entry as { orderId: string; version: number }).orderId));
        if (!page.more) return;
      }
    };
    await pullAll();
    assert.deepEqual(seen, []);
    const start = decodeCookie(cookie!)!;
    assert.equal(start.kind, 'log');
    const m1Before = start.kind === 'log' ? start.cursors.get(shardOf(M1)) : undefined;
    // Claims filed on orders of both merchants (the agents' scope), written straight to the
    // change log as the write path would: shard m1's transaction starts first and commits last.
    const claim = (orderId: string, merchantId: string): ChangeLogRow[] =>
      [1, 2].map((v) => ({
        shard: shardOf(merchantId),
        kind: 'order_event',
        key: orderId,
        merchantId,
        buyerId: 'b1',
        commandId: `${orderId}-${v}`,
        payload: { orderId, version: v, type: v === 1 ? 'claim_filed' : 'note', at: T0 },
        createdAt: T0,
      }));
    const slow = holdOpen(db, (tx) => appendChangeRows(tx, claim('x-1', M1)));
    await slow.ready;
    try {
      await db.transaction((tx) => appendChangeRows(tx, claim('x-2', M2)));
      await pullAll();
      assert.deepEqual(seen, ['x-2', 'x-2'], 'the committed shard is delivered at once');
      const mid = decodeCookie(cookie!)!;
      assert.equal(mid.kind, 'log');
      if (mid.kind === 'log') assert.equal(mid.cursors.get(shardOf(M1)), m1Before);
      slow.release();
      await slow.done;
    } finally {
      slow.release();
      await slow.done.catch(() => {});
    }
    await pullAll();
    await pullAll();
    assert.deepEqual(seen, ['x-2', 'x-2', 'x-1', 'x-1'], 'the late shard arrives, once');
  });
});
