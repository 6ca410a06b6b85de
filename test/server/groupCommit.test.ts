import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  Actor,
  CommandEnvelope,
  EscrowCommand,
  EscrowEvent,
  OrderState,
} from '../../shared/escrow/types.ts';
import { evolve } from '../../shared/escrow/evolve.ts';
import { createMerchant } from '../../server/auth/users.ts';
import { ManualClock } from '../../server/clock.ts';
import { CommandQueue } from '../../server/escrow/commandQueue.ts';
import type { Database } from '../../server/db/database.ts';
import { applyBatch, applyCommand } from '../../server/escrow/applyCommand.ts';
import type { CommandOutcome } from '../../server/escrow/commandOutcome.ts';
import { fundGuaranteeFund } from '../../server/ledger/platformFunding.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { prepareSyncSchema } from '../../server/sync/syncMigrations.ts';
import { assertLedgerOk, bankNotification, createOrder } from './escrowSteps.ts';
import { openTestDatabase, startTestServer } from './testServer.ts';
import type { TestDatabase, TestServer } from './testServer.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';
import { seededRandom } from '../sync/faultProxy.ts';
import { shardOf } from '../../shared/ledger/shards.ts';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
const BUYER: Actor = { role: 'buyer', userId: 'b1' };
const BANK: Actor = { role: 'bank', userId: 'bank:icbc' };
const SENIOR: Actor = { role: 'senior_agent', userId: 'u-senior1' };
const seller = (m: string): Actor => ({ role: 'seller_staff', userId: `s-${m}`, merchantId: m });

const step = (commandId: string, actor: Actor, command: EscrowCommand): CommandEnvelope => ({
  commandId,
  actor,
  command,
});
/** A 1,000-fen order of m1 for b1, and its payment. */
const create = (orderId: string) =>
  step(`create-${orderId}`, BUYER, {
    type: 'create_order',
    orderId,
    merchantId: 'm1',
    buyerId: 'b1',
    currency: 'CNY',
    amountFen: 1_000,
    feeBps: 60,
    goodsKind: 'express',
    item: { title: 'Tea', quantity: 1 },
    recipient: TEST_RECIPIENT,
  });
const pay = (orderId: string) =>
  step(`pay-${orderId}`, BANK, {
    type: 'confirm_payment',
    orderId,
    bank: 'icbc',
    bankRef: `ref-${orderId}`,
    currency: 'CNY',
    amountFen: 1_000,
  });

async function seed(db: Database): Promise<void> {
  await prepareSyncSchema(db);
  await createMerchant(db, { merchantId: 'm1', name: 'M1', feeBps: 60 }, T0);
  await createMerchant(db, { merchantId: 'm2', name: 'M2', feeBps: 100 }, T0);
  // Small on purpose: a compensation of 200 passes (and is recovered from the seller), one of
  // 700 finds the fund short. The fund is a sub-account per shard, drawn by that shard's
  // compensations: each merchant's shard gets its 500.
  for (const m of ['m1', 'm2'])
    await fundGuaranteeFund(db, {
      fundingId: `gf-${m}`,
      amountFen: 500,
      bank: 'icbc',
      at: T0,
      shard: shardOf(m),
    });
}

/**
 * A seeded mix over a handful of orders: each step usually the order's next lifecycle command,
 * often one the rules refuse (wrong amount, wrong fee, wrong seller, out of order), claims paid
 * from a small guarantee fund until it runs dry, and replayed and conflicting command ids.
 */
function commandMix(seedValue: number, n: number): CommandEnvelope[] {
  const rnd = seededRandom(seedValue);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: CommandEnvelope[] = [];
  const orders = Array.from({ length: 24 }, (_, i) => ({
    id: `g${i}`,
    merchant: i % 3 === 0 ? 'm2' : 'm1',
    amount: 800 + i * 37,
    claimFen: i % 2 === 0 ? 200 : 700,
    step: 0,
  }));
  for (let i = 0; i < n; i++) {
    const o = pick(orders);
    const id = `c${i}`;
    const wrong = rnd() < 0.2;
    let actor: Actor = BUYER;
    let command: EscrowCommand;
    switch (wrong ? Math.floor(rnd() * 7) : o.step) {
      case 0:
        command = {
          type: 'create_order',
          orderId: o.id,
          merchantId: o.merchant,
          buyerId: 'b1',
          currency: 'CNY',
          amountFen: o.amount,
          feeBps: wrong && rnd() < 0.5 ? 1 : o.merchant === 'm2' ? 100 : 60,
          goodsKind: 'express',
          item: { title: 'Tea', quantity: 1 },
          recipient: TEST_RECIPIENT,
        };
        break;
      case 1:
        actor = BANK;
        command = {
          type: 'confirm_payment',
          orderId: o.id,
          bank: 'icbc',
          bankRef: `ref-${o.id}`,
          currency: 'CNY',
          amountFen: wrong && rnd() < 0.5 ? o.amount + 1 : o.amount,
        };
        break;
      case 2:
        actor = seller(wrong && rnd() < 0.5 ? (o.merchant === 'm1' ? 'm2' : 'm1') : o.merchant);
        command = { type: 'ship', orderId: o.id, carrier: 'SF', trackingNo: `SF${100000 + i}` };
        break;
      case 3:
        command = { type: 'confirm_receipt', orderId: o.id };
        break;
      case 4:
        command = {
          type: 'file_claim',
          orderId: o.id,
          claimId: `k-${o.id}`,
          amountFen: o.claimFen,
          reason: 'not as described',
          evidence: [],
        };
        break;
      case 5:
        actor = SENIOR;
        command = {
          type: 'decide_claim',
          orderId: o.id,
          claimId: `k-${o.id}`,
          decision: 'approve',
          amountFen: o.claimFen,
          reasonCode: 'not_as_described',
          note: 'paid',
        };
        break;
      default:
        command = { type: 'extend_receipt', orderId: o.id };
    }
    out.push({ commandId: id, actor, command });
    // The generator only guesses what the server accepts; it moves on either way, so later
    // commands meet both orders that advanced and orders that did not.
    if (!wrong && o.step < 6) o.step++;
    if (i > 10 && rnd() < 0.04) out.push(structuredClone(out[Math.floor(rnd() * out.length)]!));
    if (i > 10 && rnd() < 0.03) {
      const earlier = out[Math.floor(rnd() * (out.length - 1))]!;
      out.push({ ...earlier, command: { type: 'extend_receipt', orderId: o.id } });
    }
  }
  return out;
}

/** Splits into batches of 1 to 60, some holding two commands on one order and a repeated id. */
function batches(all: CommandEnvelope[], seedValue: number): CommandEnvelope[][] {
  const rnd = seededRandom(seedValue);
  const out: CommandEnvelope[][] = [];
  for (let i = 0; i < all.length;) {
    const size = 1 + Math.floor(rnd() * 60);
    out.push(all.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Everything the database holds about the write path, with random txn ids named by seq. */
async function snapshot(db: Database): Promise<unknown> {
  const txns = await db.query<{ shard: number; seq: number; txn_id: string }>(
    'SELECT shard, seq, txn_id FROM ledger_transactions ORDER BY shard, seq',
  );
  const names = new Map(txns.rows.map((r) => [r.txn_id, `T${r.shard}:${r.seq}`]));
  const rename = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (_k, x: unknown) =>
      typeof x === 'string' && names.has(x) ? names.get(x) : x,
    );
  const q = async (sql: string) => rename((await db.query(sql)).rows);
  return {
    orders: await q(
      'SELECT order_id, status, state, version, next_timer_at FROM orders ORDER BY 1',
    ),
    events: await q('SELECT order_id, version, command_id, event FROM order_events ORDER BY 1, 2'),
    commands: await q('SELECT command_id, payload_sha256, result FROM commands ORDER BY 1'),
    journal: await q(
      `SELECT shard, seq, txn_id, command_id, kind, at, currency, order_id
         FROM ledger_transactions ORDER BY shard, seq`,
    ),
    entries: await q(
      `SELECT t.shard, t.seq, e.leg_no, e.account, e.amount_fen FROM ledger_entries e
         JOIN ledger_transactions t USING (txn_id) ORDER BY 1, 2, 3`,
    ),
    balances: await q(
      'SELECT shard, account, currency, balance_fen FROM account_balances ORDER BY 1, 2, 3',
    ),
    guards: await q(
      `SELECT 'hold' AS g, order_id AS k, txn_id FROM escrow_holds
       UNION ALL SELECT 'resolution', order_id, txn_id FROM escrow_resolutions
       UNION ALL SELECT 'claim', claim_id, txn_id FROM claim_payments ORDER BY 1, 2`,
    ),
    // Payloads of ledger_txn changes carry hashes over the random ids; the journal rows above
    // and verify cover those.
    changes: await q(
      `SELECT kind, key, merchant_id, buyer_id, command_id,
              CASE WHEN kind = 'ledger_txn' THEN payload::jsonb - 'hash' - 'prevHash' ELSE payload::jsonb END
                AS payload
         FROM changes ORDER BY shard, seq`,
    ),
  };
}

function normalise(outcomes: CommandOutcome[]): unknown[] {
  return outcomes.map((o) =>
    o.ok ? { ...o, ledgerTxnIds: o.ledgerTxnIds.length } : { ...o, replayed: o.replayed },
  );
}

describe('group commit: a batch applies exactly as its commands one by one', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  before(async () => {
    a = await openTestDatabase('gc_batch');
    b = await openTestDatabase('gc_single');
    await seed(a.db);
    await seed(b.db);
  });
  after(async () => {
    await a.drop();
    await b.drop();
  });

  it('mixed valid and invalid commands (seed 1313): same outcomes, orders, ledger and log', async () => {
    const all = commandMix(1313, 400);
    const groups = batches(all, 77);
    const batched: CommandOutcome[] = [];
    const single: CommandOutcome[] = [];
    let now = T0;
    const stats = { fallbacks: 0 };
    for (const group of groups) {
      now += 60_000;
      batched.push(...(await a.db.transaction((tx) => applyBatch(tx, group, now, { stats }))));
      for (const e of group) single.push(await b.db.transaction((tx) => applyCommand(tx, e, now)));
    }
    assert.deepEqual(normalise(batched), normalise(single));
    // Decided in memory, written once: no batch needed the one-by-one fallback.
    assert.equal(stats.fallbacks, 0);
    if (process.env.GC_TALLY) {
      const tally = new Map<string, number>();
      all.forEach((e, i) => {
        const o = batched[i]!;
        const k = `${e.command.type} ${o.ok ? 'ok' : o.error.code}`;
        tally.set(k, (tally.get(k) ?? 0) + 1);
      });
      console.log([...tally].sort().join('\n'));
    }
    // The mix exercises what it claims to.
    const codes = new Set(batched.flatMap((o) => (o.ok ? [] : [o.error.code])));
    for (const code of [
      'idempotency_conflict',
      'guarantee_fund_insufficient',
      'order_not_found',
    ] as const)
      assert.ok(codes.has(code), `the mix produced ${code} (got ${[...codes].join(', ')})`);
    assert.ok(
      batched.some((o) => o.replayed),
      'a replayed id',
    );
    assert.ok(batched.filter((o) => o.ok && o.ledgerTxnIds.length > 0).length > 20, 'money moved');
    assert.ok(
      groups.some((g) => new Set(g.map((e) => e.command.orderId)).size < g.length),
      'a batch holds two commands on one order',
    );
    assert.deepEqual(await snapshot(a.db), await snapshot(b.db));
    for (const db of [a.db, b.db]) {
      const report = await verifyLedger(db);
      assert.deepEqual(report.problems, []);
      await assertRowsAreTheirTimelines(db);
    }
  });
});

/**
 * Each order row holds exactly its timeline folded with `evolve`, and its newest `order` change
 * the same state: a stored order is updated with the top-level keys that changed
 * (orderRows.ts), which must never leave a stale or missing key behind.
 */
async function assertRowsAreTheirTimelines(db: Database): Promise<void> {
  const orders = await db.query<{ order_id: string; state: OrderState }>(
    'SELECT order_id, state FROM orders ORDER BY order_id',
  );
  const events = await db.query<{ order_id: string; event: EscrowEvent }>(
    'SELECT order_id, event FROM order_events ORDER BY order_id, version',
  );
  const logged = await db.query<{ key: string; payload: OrderState }>(
    `SELECT DISTINCT ON (key) key, payload FROM changes WHERE kind = 'order'
      ORDER BY key, shard, seq DESC`,
  );
  const lastLogged = new Map(logged.rows.map((r) => [r.key, r.payload]));
  assert.ok(orders.rows.length > 10, 'orders were made');
  for (const { order_id, state } of orders.rows) {
    let folded: OrderState | null = null;
    for (const e of events.rows) if (e.order_id === order_id) folded = evolve(folded, e.event);
    const plain = JSON.parse(JSON.stringify(folded)) as OrderState;
    assert.deepEqual(state, plain, `order ${order_id} is its timeline`);
    assert.deepEqual(lastLogged.get(order_id), plain, `order ${order_id}'s last change`);
  }
}

describe('group commit: a database refusal fails only its own command', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('gc_refusal');
    await seed(t.db);
  });
  after(() => t.drop());

  it('a guard row taken behind the rules’ back rejects that payment; the batch’s others apply', async () => {
    await t.db.transaction((tx) => applyBatch(tx, ['r1', 'r2', 'r3'].map(create), T0));
    // Another writer's hold on r2, made without the rules (the funding transaction stands in
    // for its journal row): the database's guard, not the rules, must refuse r2's payment.
    const funding = await t.db.query<{ txn_id: string }>(
      "SELECT txn_id FROM ledger_transactions WHERE kind = 'fund_guarantee'",
    );
    await t.db.query('INSERT INTO escrow_holds (order_id, txn_id, shard) VALUES ($1, $2, $3)', [
      'r2',
      funding.rows[0]!.txn_id,
      shardOf('m1'),
    ]);
    const stats = { fallbacks: 0 };
    const outcomes = await t.db.transaction((tx) =>
      applyBatch(tx, [pay('r1'), pay('r2'), pay('r3'), create('r4')], T0 + 1_000, { stats }),
    );
    assert.equal(stats.fallbacks, 1, 'the batch was refused and retried one by one');
    assert.deepEqual(
      outcomes.map((o) => (o.ok ? 'ok' : o.error.code)),
      ['ok', 'escrow_already_held', 'ok', 'ok'],
    );
    const statuses = await t.db.query<{ order_id: string; status: string }>(
      'SELECT order_id, status FROM orders ORDER BY order_id',
    );
    assert.deepEqual(
      statuses.rows.map((r) => [r.order_id, r.status]),
      [
        ['r1', 'funds_held'],
        ['r2', 'awaiting_payment'],
        ['r3', 'funds_held'],
        ['r4', 'awaiting_payment'],
      ],
    );
    // A command that is not even an object is refused alone; the batch around it applies.
    const mixed = await t.db.transaction((tx) =>
      applyBatch(
        tx,
        [
          create('r5'),
          { commandId: 'not-a-command', actor: BUYER, command: null as unknown as EscrowCommand },
          pay('r4'),
        ],
        T0 + 1_500,
      ),
    );
    assert.deepEqual(
      mixed.map((o) => (o.ok ? 'ok' : o.error.code)),
      ['ok', 'invalid_input', 'ok'],
    );
    // The refusal consumed its id: the same payment again replays the refusal.
    const again = await t.db.transaction((tx) => applyBatch(tx, [pay('r2')], T0 + 2_000));
    assert.equal(again[0]!.replayed, true);
    assert.equal(!again[0]!.ok && again[0]!.error.code, 'escrow_already_held');
  });
});

describe('group commit: a write refused in the middle of a batch', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('gc_midflush');
    await seed(t.db);
  });
  after(() => t.drop());

  it('a taken guard met when a claim approval writes early fails the batch, not the approval', async () => {
    const lifecycle = [
      create('q1'),
      create('q2'),
      pay('q1'),
      step('ship-q1', seller('m1'), {
        type: 'ship',
        orderId: 'q1',
        carrier: 'SF',
        trackingNo: 'SF100001',
      }),
      step('receive-q1', BUYER, { type: 'confirm_receipt', orderId: 'q1' }),
      step('claim-q1', BUYER, {
        type: 'file_claim',
        orderId: 'q1',
        claimId: 'k-q1',
        amountFen: 200,
        reason: 'not as described',
        evidence: [],
      }),
    ];
    for (const [i, e] of lifecycle.entries()) {
      const [o] = await t.db.transaction((tx) => applyBatch(tx, [e], T0 + i * 1_000));
      assert.ok(o!.ok, JSON.stringify(o));
    }
    // Another writer's hold on q2, made without the rules: q2's payment must be refused by the
    // database's guard. The approval after it in the batch writes what the batch has decided
    // before it sums the buyer's window, and that early write is where the guard is met.
    const funding = await t.db.query<{ txn_id: string }>(
      "SELECT txn_id FROM ledger_transactions WHERE kind = 'fund_guarantee' LIMIT 1",
    );
    await t.db.query('INSERT INTO escrow_holds (order_id, txn_id, shard) VALUES ($1, $2, $3)', [
      'q2',
      funding.rows[0]!.txn_id,
      shardOf('m1'),
    ]);
    const approve = step('approve-q1', SENIOR, {
      type: 'decide_claim',
      orderId: 'q1',
      claimId: 'k-q1',
      decision: 'approve',
      amountFen: 200,
      reasonCode: 'not_as_described',
      note: 'paid',
    });
    const stats = { fallbacks: 0 };
    const outcomes = await t.db.transaction((tx) =>
      applyBatch(tx, [pay('q2'), approve], T0 + 10_000, { stats }),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.ok ? 'ok' : o.error.code)),
      ['escrow_already_held', 'ok'],
    );
    assert.equal(stats.fallbacks, 1, 'the batch was refused and retried one by one');
    const q2 = await t.db.query<{ status: string; txns: string }>(
      `SELECT o.status, (SELECT count(*) FROM ledger_transactions l WHERE l.order_id = o.order_id)
              AS txns FROM orders o WHERE o.order_id = 'q2'`,
    );
    assert.deepEqual(q2.rows, [{ status: 'awaiting_payment', txns: 0 }]);
    assert.deepEqual((await verifyLedger(t.db)).problems, []);
  });
});

/** The database, counting the queue's order-shard look-ups. */
function countingLookUps(db: Database): { counting: Database; lookUps: () => number } {
  let n = 0;
  const counting: Database = {
    ...db,
    query: (sql, params) => {
      if (sql.includes('SELECT order_id, shard FROM orders')) n++;
      return db.query(sql, params);
    },
  };
  return { counting, lookUps: () => n };
}

describe('group commit queue: each caller’s order as its own command left it', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('gc_queue');
    await seed(t.db);
  });
  after(() => t.drop());

  it('on one database nothing is looked up: every command waits in one queue', async () => {
    const { counting, lookUps } = countingLookUps(t.db);
    const queue = new CommandQueue(counting, new ManualClock(T0));
    const paid = await queue.submit({
      commandId: 'q3-pay',
      actor: BANK,
      command: {
        type: 'confirm_payment',
        orderId: 'q-unknown',
        bank: 'icbc',
        bankRef: 'ref-q3',
        currency: 'CNY',
        amountFen: 1_500,
      },
    });
    // Refused by the rules, as on any shard, without asking the database where the order is.
    assert.equal(!paid.outcome.ok && paid.outcome.error.code, 'order_not_found');
    assert.equal(lookUps(), 0);
  });

  it('with placements, a command on an order the queue has just created needs no look-up', async () => {
    const { counting, lookUps } = countingLookUps(t.db);
    const queue = new CommandQueue(counting, new ManualClock(T0), {
      placementOf: (shard) => shard,
    });
    const made = await queue.submit({
      commandId: 'q2-create',
      actor: BUYER,
      command: {
        type: 'create_order',
        orderId: 'q2',
        merchantId: 'm2',
        buyerId: 'b1',
        currency: 'CNY',
        amountFen: 900,
        feeBps: 100,
        goodsKind: 'express',
        item: { title: 'Tea', quantity: 1 },
        recipient: TEST_RECIPIENT,
      },
    });
    assert.equal(made.outcome.ok, true);
    const paid = await queue.submit({
      commandId: 'q2-pay',
      actor: BANK,
      command: {
        type: 'confirm_payment',
        orderId: 'q2',
        bank: 'icbc',
        bankRef: 'ref-q2',
        currency: 'CNY',
        amountFen: 900,
      },
    });
    assert.equal(paid.order?.status, 'funds_held');
    assert.equal(lookUps(), 0);
  });

  it('create, pay and ship of one order in one batch answer with three successive states', async () => {
    const queue = new CommandQueue(t.db, new ManualClock(T0));
    const orderId = 'q1';
    const create: CommandEnvelope = {
      commandId: 'q1-create',
      actor: BUYER,
      command: {
        type: 'create_order',
        orderId,
        merchantId: 'm1',
        buyerId: 'b1',
        currency: 'CNY',
        amountFen: 1_500,
        feeBps: 60,
        goodsKind: 'express',
        item: { title: 'Tea', quantity: 1 },
        recipient: TEST_RECIPIENT,
      },
    };
    const pay: CommandEnvelope = {
      commandId: 'q1-pay',
      actor: BANK,
      command: {
        type: 'confirm_payment',
        orderId,
        bank: 'icbc',
        bankRef: 'ref-q1',
        currency: 'CNY',
        amountFen: 1_500,
      },
    };
    const ship: CommandEnvelope = {
      commandId: 'q1-ship',
      actor: seller('m1'),
      command: { type: 'ship', orderId, carrier: 'SF', trackingNo: 'SF7000001' },
    };
    const wrongSeller: CommandEnvelope = {
      commandId: 'q1-ship-m2',
      actor: seller('m2'),
      command: { type: 'ship', orderId, carrier: 'SF', trackingNo: 'SF7000002' },
    };
    const answers = await Promise.all([create, pay, ship, wrongSeller].map((e) => queue.submit(e)));
    assert.deepEqual(
      answers.map((a) => [a.outcome.ok, a.order?.status, a.order?.version]),
      [
        [true, 'awaiting_payment', 1],
        [true, 'funds_held', 2],
        [true, 'shipped', 3],
        [false, undefined, undefined],
      ],
    );
    assert.ok(
      queue.stats.batches < 4,
      `the commands shared a batch (${JSON.stringify(queue.stats)})`,
    );
    // A replay answers without an order: the caller reads the committed one.
    const again = await queue.submit(pay);
    assert.equal(again.outcome.replayed, true);
    assert.equal(again.order, undefined);
    const stored = await t.db.query<{ state: { version: number } }>(
      'SELECT state FROM orders WHERE order_id = $1',
      [orderId],
    );
    assert.deepEqual(answers[2]!.order, stored.rows[0]!.state);
  });
});

describe('group commit over HTTP: concurrent callers, one answer each', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('gc_http');
  });
  after(() => t.close());

  it('48 concurrent payments and ships share batches; each caller gets its own outcome', async () => {
    // Signed in one after the other (the login limiter is not under test here).
    for (const who of ['buyer1', 'staff1', 'staff2'] as const) await t.token(who);
    const orderIds = await Promise.all(
      Array.from({ length: 24 }, (_, i) => createOrder(t, { amountFen: 1_000 + i })),
    );
    assert.equal(new Set(orderIds).size, 24);
    // Order 0 is paid the wrong amount, order 1 twice under one notification id.
    const payments = await Promise.all([
      ...orderIds.map((orderId, i) =>
        bankNotification(t, {
          orderId,
          amountFen: i === 0 ? 999 : 1_000 + i,
          notificationId: `gc-${i}`,
        }),
      ),
      bankNotification(t, { orderId: orderIds[1]!, amountFen: 1_001, notificationId: 'gc-1' }),
    ]);
    payments.slice(0, 24).forEach((r, i) => {
      if (i === 0) {
        assert.equal(r.body.error.code, 'amount_mismatch');
        return;
      }
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.orderId, orderIds[i]);
      assert.equal(r.body.status, 'funds_held');
    });
    assert.equal(payments[24]!.status, 200);
    assert.deepEqual(
      [payments[1]!.body.duplicate, payments[24]!.body.duplicate].sort(),
      [false, true],
      'one of the two identical notifications applied, the other replayed it',
    );
    // Ships by their own seller, and one by another merchant's staff (not found for them).
    const ships = await Promise.all([
      ...orderIds.map((orderId, i) =>
        t.post(
          `/v1/orders/${orderId}/ship`,
          { carrier: 'SF', trackingNo: `SF${700000 + i}` },
          'staff1',
        ),
      ),
      t.post(
        `/v1/orders/${orderIds[2]}/ship`,
        { carrier: 'SF', trackingNo: 'SF7999999' },
        'staff2',
      ),
    ]);
    ships.slice(0, 24).forEach((r, i) => {
      if (i === 0) {
        assert.equal(r.status, 409, 'an unpaid order cannot ship');
        assert.equal(r.body.error.code, 'invalid_state');
        return;
      }
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.order.orderId, orderIds[i]);
      assert.equal(r.body.order.shipment.trackingNo, `SF${700000 + i}`);
    });
    assert.equal(ships[24]!.status, 404);
    const stats = t.server.ctx.commands!.stats;
    assert.equal(stats.commands, 24 + 25 + 25);
    assert.ok(stats.batches < stats.commands, `commands shared batches (${JSON.stringify(stats)})`);
    await assertLedgerOk(t);
  });
});
