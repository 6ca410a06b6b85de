import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import {
  MAX_BATCH_COMMANDS,
  createEscrowService,
} from '../../../electron/core/escrow/escrowService.ts';
import type { EscrowService } from '../../../electron/core/escrow/escrowService.ts';
import { verifyLedger } from '../../../electron/core/ledger/verifyLedger.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import type { Result } from '../../../shared/errors.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type { CommandEnvelope } from '../../../shared/escrow/types.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import { DAY_MS, HOUR_MS } from '../../../shared/time.ts';
import {
  agent,
  bankActor,
  buyer,
  confirmPayment,
  confirmReceipt,
  createOrder,
  env,
  seller,
  ship,
} from '../helpers/commands.ts';
import { rowCounts, tempDb } from '../helpers/tempDb.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

function setup(t: TestContext): { db: Db; file: string; svc: EscrowService } {
  const { db, file } = tempDb(t);
  return { db, file, svc: createEscrowService(db, { policy: DEFAULT_POLICY }) };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

function assertClean(db: Db) {
  const report = verifyLedger(db);
  assert.deepEqual(report.problems, []);
}

/** Applies and expects a rejection with `code` that wrote nothing at all. */
function assertRejectedUnchanged(
  db: Db,
  svc: EscrowService,
  e: CommandEnvelope,
  code: string,
  now = T0,
) {
  const before = rowCounts(db);
  const result = svc.apply(e, now);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.error.code, code, result.error.message);
  assert.deepEqual(rowCounts(db), before);
}

test('an order paid, shipped and confirmed releases its escrow to the seller less the fee', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1', 10_000), T0));
  const paid = value(svc.apply(confirmPayment('o1', 10_000), T0 + HOUR_MS));
  assert.equal(paid.order.status, 'funds_held');
  assert.equal(svc.accountBalance(account.escrow('o1')).balanceFen, 10_000);
  value(svc.apply(ship('o1'), T0 + 2 * HOUR_MS));
  const done = value(svc.apply(confirmReceipt('o1'), T0 + DAY_MS));
  assert.equal(done.order.status, 'completed');
  assert.equal(svc.accountBalance(account.escrow('o1')).balanceFen, 0);
  assert.equal(svc.accountBalance(account.merchantAvailable('m1')).balanceFen, 9_940);
  assert.equal(svc.accountBalance(account.fees()).balanceFen, 60);
  assert.equal(svc.accountBalance(account.bank('ICBC')).balanceFen, 10_000);
  assertClean(db);

  const detail = svc.getOrder('o1');
  assert.ok(detail);
  assert.equal(detail.order.version, 4);
  assert.deepEqual(
    detail.timeline.map((e) => [e.type, e.actor.role]),
    [
      ['order_created', 'buyer'],
      ['payment_confirmed', 'bank'],
      ['order_shipped', 'seller_staff'],
      ['escrow_resolved', 'buyer'],
    ],
  );
  assert.equal(detail.timeline[3]!.at, T0 + DAY_MS);
  assert.deepEqual(
    detail.postings.map((p) => [
      p.kind,
      p.legs.reduce((s, l) => s + l.amountFen, 0),
      p.legs.length,
    ]),
    [
      ['payment_confirmed', 0, 2],
      ['escrow_release', 0, 3],
    ],
  );
  const sheet = svc.balances({ merchantId: 'm1' });
  assert.deepEqual(
    sheet.accounts.map((a) => [a.account, a.balanceFen]),
    [['merchant:m1:available', 9_940]],
  );
  assert.deepEqual(sheet.escrowHeld, []);
});

test('the same command id with the same payload returns the first result and applies nothing again', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  const pay = confirmPayment('o1');
  const first = value(svc.apply(pay, T0 + 1));
  value(svc.apply(ship('o1'), T0 + 2));
  const before = rowCounts(db);
  // Keys in another order are the same payload.
  const reordered = {
    command: { ...pay.command },
    actor: { userId: pay.actor.userId, role: pay.actor.role },
    commandId: pay.commandId,
  };
  const again = value(svc.apply(reordered, T0 + 10 * DAY_MS));
  assert.deepEqual(again, first);
  assert.deepEqual(rowCounts(db), before);
  assert.equal(svc.accountBalance(account.escrow('o1')).balanceFen, 10_000);
});

test('the same command id with a different payload is an idempotency conflict and writes nothing', (t) => {
  const { db, svc } = setup(t);
  const create = createOrder('o1');
  value(svc.apply(create, T0));
  const other = createOrder('o2');
  assertRejectedUnchanged(
    db,
    svc,
    { ...other, commandId: create.commandId },
    'idempotency_conflict',
  );
  assert.equal(svc.getOrder('o2'), null);
});

test('bad commands are refused with a precise code and write nothing', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  const cases: [string, CommandEnvelope, string][] = [
    ['a fractional amount', createOrder('o2', 100.5), 'invalid_amount'],
    ['an unsafe amount', createOrder('o2', 2 ** 53 + 2), 'invalid_amount'],
    ['an amount as text', createOrder('o2', '100' as unknown as number), 'invalid_amount'],
    ['an unknown order', ship('nope'), 'order_not_found'],
    ['shipping an unpaid order', ship('o1'), 'invalid_state'],
    ['a payment of the wrong amount', confirmPayment('o1', 9_999), 'amount_mismatch'],
    [
      'a payment in an unsupported currency',
      env(bankActor, {
        type: 'confirm_payment',
        orderId: 'o1',
        bank: 'ICBC',
        bankRef: 'r',
        currency: 'USD' as 'CNY',
        amountFen: 10_000,
      }),
      'invalid_input',
    ],
    ['another merchant shipping', ship('o1', 'm2'), 'forbidden'],
    [
      'a buyer confirming payment',
      env(buyer(), {
        type: 'confirm_payment',
        orderId: 'o1',
        bank: 'ICBC',
        bankRef: 'r',
        currency: 'CNY',
        amountFen: 10_000,
      }),
      'forbidden',
    ],
    ['an existing order id', createOrder('o1'), 'order_exists'],
    ['an empty command id', { ...createOrder('o3'), commandId: '' }, 'invalid_input'],
  ];
  for (const [what, e, code] of cases) {
    const before = rowCounts(db);
    const r = svc.apply(e, T0 + 1);
    assert.equal(r.ok, false, what);
    if (!r.ok) assert.equal(r.error.code, code, `${what}: ${r.error.message}`);
    assert.deepEqual(rowCounts(db), before, what);
  }
  assertClean(db);
});

test('a batch applies in one transaction and a rejected command does not undo the others', (t) => {
  const { db, svc } = setup(t);
  const results = svc.applyBatch(
    [
      createOrder('o1'),
      confirmPayment('o1'),
      ship('o2'), // unknown order
      ship('o1', 'm2'), // wrong merchant
      ship('o1'),
      createOrder('o2'),
      confirmPayment('o2', 1), // wrong amount
    ],
    T0,
  );
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.error.code)),
    ['ok', 'ok', 'order_not_found', 'forbidden', 'ok', 'ok', 'amount_mismatch'],
  );
  assert.equal(svc.getOrder('o1')?.order.status, 'shipped');
  assert.equal(svc.getOrder('o2')?.order.status, 'awaiting_payment');
  assert.equal(db.prepare('SELECT COUNT(*) FROM commands').pluck().get(), 4);
  assertClean(db);
});

test('a duplicate command inside one batch is applied once', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  const pay = confirmPayment('o1');
  const [a, b] = svc.applyBatch([pay, pay], T0);
  assert.deepEqual(b, a);
  assert.equal(db.prepare('SELECT COUNT(*) FROM ledger_txns').pluck().get(), 1);
});

test('a caller transaction that rolls back leaves no trace, also not in the service cache', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  value(svc.apply(confirmPayment('o1'), T0));
  assert.throws(() =>
    db.transaction(() => {
      value(svc.apply(ship('o1'), T0 + 1));
      throw new Error('caller gives up');
    })(),
  );
  assert.equal(svc.getOrder('o1')?.order.status, 'funds_held');
  const shipped = value(svc.apply(ship('o1'), T0 + 2));
  assert.equal(shipped.order.version, 3);
  assertClean(db);
});

test('a second connection sees the first one’s writes although states are cached', (t) => {
  const { db, file, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  value(svc.apply(confirmPayment('o1'), T0));
  const db2 = openDatabase(file);
  t.after(() => db2.close());
  const svc2 = createEscrowService(db2);
  value(svc2.apply(ship('o1'), T0 + 1));
  const done = value(svc.apply(confirmReceipt('o1'), T0 + 2));
  assert.equal(done.order.version, 4);
  assert.equal(done.order.status, 'completed');
  assertClean(db);
});

test('timers close an unpaid order after 72 hours and auto-confirm a shipped one', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('unpaid'), T0));
  value(svc.apply(createOrder('o1'), T0));
  value(svc.apply(confirmPayment('o1'), T0));
  value(svc.apply(ship('o1'), T0 + HOUR_MS));
  assert.deepEqual(svc.advanceTimers(T0 + 71 * HOUR_MS), []);
  const closed = svc.advanceTimers(T0 + 72 * HOUR_MS);
  assert.deepEqual(
    closed.map((r) => [r.orderId, r.result.ok && r.result.value.order.status]),
    [['unpaid', 'closed_unpaid']],
  );
  const rows = svc.listOrders({ status: 'closed_unpaid', limit: 10 });
  assert.equal(rows.orders[0]?.nextTimerAt, null);
  const released = svc.advanceTimers(T0 + HOUR_MS + 10 * DAY_MS);
  assert.deepEqual(
    released.map((r) => [r.orderId, r.result.ok && r.result.value.order.status]),
    [['o1', 'completed']],
  );
  assert.equal(svc.getOrder('o1')?.timeline.at(-1)?.actor.role, 'system');
  assert.equal(svc.accountBalance(account.merchantAvailable('m1')).balanceFen, 9_940);
  assert.deepEqual(svc.advanceTimers(T0 + 100 * DAY_MS), []);
  assertClean(db);
});

test('compensation after release is paid from the guarantee fund and recovered from the seller', (t) => {
  const { db, svc } = setup(t);
  value(svc.fundGuaranteeFund({ txnId: 'fund-1', bank: 'ICBC', amountFen: 1_000_000 }, T0));
  value(
    svc.recordMerchantDeposit(
      { txnId: 'dep-1', merchantId: 'm1', bank: 'ICBC', amountFen: 3_000 },
      T0,
    ),
  );
  for (const e of [
    createOrder('o1', 10_000),
    confirmPayment('o1', 10_000),
    ship('o1'),
    confirmReceipt('o1'),
  ]) {
    value(svc.apply(e, T0 + HOUR_MS));
  }
  value(
    svc.apply(
      env(buyer(), {
        type: 'file_claim',
        orderId: 'o1',
        claimId: 'k1',
        amountFen: 10_000,
        reason: 'counterfeit goods',
        evidence: [],
      }),
      T0 + DAY_MS,
    ),
  );
  const decided = value(
    svc.apply(
      env(agent, {
        type: 'decide_claim',
        orderId: 'o1',
        claimId: 'k1',
        decision: 'approve',
        reasonCode: 'fraud',
        note: 'verified',
      }),
      T0 + 2 * DAY_MS,
    ),
  );
  assert.ok(decided.events.some((e) => e.type === 'compensation_paid'));
  assert.equal(svc.accountBalance(account.buyerRefundable('b1')).balanceFen, 10_000);
  // Deposit 3,000 and then all 9,940 available cover 10,000; the fund is whole again.
  assert.equal(svc.accountBalance(account.merchantDeposit('m1')).balanceFen, 0);
  assert.equal(svc.accountBalance(account.merchantAvailable('m1')).balanceFen, 2_940);
  assert.equal(svc.accountBalance(account.guaranteeFund()).balanceFen, 1_000_000);
  const kinds = svc.getOrder('o1')!.postings.map((p) => p.kind);
  assert.deepEqual(kinds, ['payment_confirmed', 'escrow_release', 'compensation', 'recovery']);
  assertClean(db);
});

test('platform transfers refuse bad amounts, write nothing, and are idempotent by txn id', (t) => {
  const { db, svc } = setup(t);
  for (const [amountFen, code] of [
    [0, 'invalid_amount'],
    [-5, 'invalid_amount'],
    [1.25, 'invalid_amount'],
    [Number.MAX_SAFE_INTEGER + 1, 'invalid_amount'],
  ] as const) {
    const before = rowCounts(db);
    const r = svc.fundGuaranteeFund({ txnId: 'f', bank: 'ICBC', amountFen }, T0);
    assert.equal(r.ok ? 'ok' : r.error.code, code);
    assert.deepEqual(rowCounts(db), before);
  }
  const bad = svc.recordMerchantDeposit(
    { txnId: 'd', merchantId: 'bad id!', bank: 'ICBC', amountFen: 5 },
    T0,
  );
  assert.equal(bad.ok ? 'ok' : bad.error.code, 'invalid_input');
  const first = value(svc.fundGuaranteeFund({ txnId: 'f', bank: 'ICBC', amountFen: 500 }, T0));
  const again = value(svc.fundGuaranteeFund({ txnId: 'f', bank: 'ICBC', amountFen: 500 }, T0));
  assert.equal(again.seq, first.seq);
  const conflict = svc.fundGuaranteeFund({ txnId: 'f', bank: 'ICBC', amountFen: 501 }, T0);
  assert.equal(conflict.ok ? 'ok' : conflict.error.code, 'idempotency_conflict');
  assert.equal(svc.accountBalance(account.guaranteeFund()).balanceFen, 500);
  assertClean(db);
});

test('orders page newest first by keyset, filtered by merchant and status, each exactly once', (t) => {
  const { svc } = setup(t);
  const batch: CommandEnvelope[] = [];
  for (let i = 0; i < 25; i++)
    batch.push(
      createOrder(`o${String(i).padStart(2, '0')}`, 1_000, { merchantId: i % 2 ? 'm1' : 'm2' }),
    );
  // Same creation time for all: ties are broken by order id.
  svc.applyBatch(batch, T0);
  value(svc.apply(confirmPayment('o03', 1_000), T0 + 1));
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = svc.listOrders({ merchantId: 'm1', limit: 5, afterCursor: cursor });
    seen.push(...page.orders.map((o) => o.orderId));
    assert.ok(page.orders.every((o) => o.merchantId === 'm1'));
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(seen.length, 12);
  assert.deepEqual(seen, [...seen].sort().reverse());
  assert.deepEqual(
    svc.listOrders({ status: 'funds_held', limit: 10 }).orders.map((o) => [o.orderId, o.heldFen]),
    [['o03', 1_000]],
  );
  assert.throws(() => svc.listOrders({ limit: 0 }), { code: 'invalid_input' });
  assert.throws(() => svc.listOrders({ limit: 5, afterCursor: 'garbage' }), {
    code: 'invalid_input',
  });
});

test('a seller sees only their merchant balances and the escrow of their own orders', (t) => {
  const { svc } = setup(t);
  svc.applyBatch(
    [
      createOrder('a', 1_000, { merchantId: 'm1' }),
      confirmPayment('a', 1_000),
      createOrder('b', 2_000, { merchantId: 'm2' }),
      confirmPayment('b', 2_000),
    ],
    T0,
  );
  assert.deepEqual(svc.balances({ merchantId: 'm1' }).escrowHeld, [
    { currency: 'CNY', heldFen: 1_000 },
  ]);
  assert.deepEqual(svc.balances().escrowHeld, [{ currency: 'CNY', heldFen: 3_000 }]);
  assert.throws(() => svc.accountBalance('nowhere'), { code: 'invalid_input' });
  assert.equal(svc.accountBalance(account.bank('ICBC')).balanceFen, 3_000);
  void seller;
});

test('a compensation the guarantee fund cannot cover is refused whole, in a batch without undoing the others', (t) => {
  const { db, svc } = setup(t);
  for (const e of [
    createOrder('o1', 10_000),
    confirmPayment('o1', 10_000),
    ship('o1'),
    confirmReceipt('o1'),
  ]) {
    value(svc.apply(e, T0));
  }
  value(
    svc.apply(
      env(buyer(), {
        type: 'file_claim',
        orderId: 'o1',
        claimId: 'k1',
        amountFen: 10_000,
        reason: 'fake',
        evidence: [],
      }),
      T0 + DAY_MS,
    ),
  );
  const approve = env(agent, {
    type: 'decide_claim',
    orderId: 'o1',
    claimId: 'k1',
    decision: 'approve',
    reasonCode: 'fraud',
    note: '',
  });
  const before = rowCounts(db);
  const [created, refused, created2] = svc.applyBatch(
    [createOrder('o2'), approve, createOrder('o3')],
    T0 + DAY_MS,
  );
  assert.equal(created!.ok, true);
  assert.equal(created2!.ok, true);
  assert.equal(refused!.ok ? 'ok' : refused!.error.code, 'guarantee_fund_insufficient');
  // Only the two new orders were written: their rows, events and command records.
  const after = rowCounts(db);
  assert.equal(after.orders! - before.orders!, 2);
  assert.equal(after.order_events! - before.order_events!, 2);
  assert.equal(after.commands! - before.commands!, 2);
  assert.equal(after.ledger_txns, before.ledger_txns);
  // The refused command's state never reached the cache: the claim is still open.
  assert.equal(svc.getOrder('o1')!.order.claims[0]!.status, 'submitted');
  value(svc.fundGuaranteeFund({ txnId: 'fund', bank: 'ICBC', amountFen: 50_000 }, T0 + DAY_MS));
  const paid = value(svc.apply(approve, T0 + 2 * DAY_MS));
  assert.equal(paid.order.claims[0]!.status, 'approved');
  assert.equal(paid.order.compensatedFen, 10_000);
  assertClean(db);
});

test('a batch larger than one transaction should hold is refused before anything is written', (t) => {
  const { db, svc } = setup(t);
  const before = rowCounts(db);
  const huge = Array.from({ length: MAX_BATCH_COMMANDS + 1 }, (_, i) => createOrder(`big${i}`));
  assert.throws(() => svc.applyBatch(huge, T0), { code: 'payload_too_large' });
  assert.deepEqual(rowCounts(db), before);
});

test('an order handed back in a result cannot be changed behind the service', (t) => {
  const { svc } = setup(t);
  const created = value(svc.apply(createOrder('o1', 10_000), T0));
  assert.throws(() => {
    (created.order as { amountFen: number }).amountFen = 1;
  }, TypeError);
  assert.throws(() => {
    (created.order.item as { quantity: number }).quantity = 99;
  }, TypeError);
  const paid = value(svc.apply(confirmPayment('o1', 10_000), T0 + 1));
  assert.equal(paid.order.amountFen, 10_000);
});

test('a command that fails after it began writing is undone alone; the rest of its batch stands', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  value(svc.apply(createOrder('o2'), T0));
  // A constraint no check before the write can foresee: a second payment posting clashes
  // after o2's timeline event is already written.
  db.exec('CREATE UNIQUE INDEX test_one_payment ON ledger_txns (kind)');
  const before = rowCounts(db);
  const results = svc.applyBatch(
    [confirmPayment('o1'), confirmPayment('o2'), createOrder('o3')],
    T0 + 1,
  );
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.error.code)),
    ['ok', 'internal', 'ok'],
  );
  const after = rowCounts(db);
  assert.equal(after.ledger_txns! - before.ledger_txns!, 1);
  assert.equal(after.order_events! - before.order_events!, 2);
  assert.equal(after.commands! - before.commands!, 2);
  assert.equal(svc.getOrder('o1')!.order.status, 'funds_held');
  assert.equal(svc.getOrder('o2')!.order.status, 'awaiting_payment');
  assert.equal(svc.getOrder('o2')!.timeline.length, 1);
  assert.equal(svc.getOrder('o3')!.order.version, 1);
  db.exec('DROP INDEX test_one_payment');
  assertClean(db);
});

test('a release that would take the escrow account below zero is refused and writes nothing', (t) => {
  const { db, svc } = setup(t);
  value(svc.apply(createOrder('o1'), T0));
  value(svc.apply(confirmPayment('o1'), T0));
  value(svc.apply(ship('o1'), T0));
  // The escrow account is emptied behind the engine's back (as a corrupt replica might be), so
  // the release would take it below zero: the floor refuses it and the batch goes on.
  db.exec("UPDATE account_balances SET balance_fen = 0 WHERE account = 'escrow:order:o1'");
  const before = rowCounts(db);
  const [release, created] = svc.applyBatch([confirmReceipt('o1'), createOrder('o2')], T0 + 1);
  assert.equal(release!.ok ? 'ok' : release!.error.code, 'insufficient_funds');
  assert.equal(created!.ok, true);
  const after = rowCounts(db);
  assert.equal(after.ledger_txns, before.ledger_txns);
  assert.equal(after.order_events! - before.order_events!, 1);
  assert.equal(svc.getOrder('o1')!.order.status, 'shipped');
});
