import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLedger } from '../../../electron/core/ledger/ledger.ts';
import { GENESIS_HASH, chainHeadAt } from '../../../electron/core/ledger/hashChain.ts';
import { verifyLedger } from '../../../electron/core/ledger/verifyLedger.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import type { PostingRequest } from '../../../shared/ledger/types.ts';
import { rowCounts, tempDb } from '../helpers/tempDb.ts';

const bank = account.bank('ICBC');
const escrow = account.escrow('o1');

function hold(amountFen: number, txnId = 't-hold'): PostingRequest {
  return {
    txnId,
    commandId: 'c-hold',
    kind: 'payment_confirmed',
    at: 1_000,
    currency: 'CNY',
    orderId: 'o1',
    holdsEscrowOf: 'o1',
    legs: [
      { account: bank, amountFen },
      { account: escrow, amountFen: -amountFen },
    ],
  };
}

function release(amountFen: number, txnId = 't-release'): PostingRequest {
  return {
    txnId,
    commandId: 'c-release',
    kind: 'escrow_release',
    at: 2_000,
    currency: 'CNY',
    orderId: 'o1',
    resolvesEscrowOf: 'o1',
    legs: [
      { account: escrow, amountFen },
      { account: account.merchantAvailable('m1'), amountFen: -amountFen },
    ],
  };
}

test('a balanced posting writes its journal row, entries and balances', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  const posted = ledger.post(hold(12_345));
  assert.equal(posted.seq, 1);
  assert.equal(posted.duplicate, false);
  assert.equal(ledger.signedBalance(bank, 'CNY'), 12_345);
  assert.equal(ledger.signedBalance(escrow, 'CNY'), -12_345);
  assert.equal(db.prepare('SELECT COUNT(*) FROM ledger_entries').pluck().get(), 2);
  assert.equal(db.prepare('SELECT amount_fen FROM escrow_holds').pluck().get(), 12_345);
  const report = verifyLedger(db);
  assert.deepEqual(report.problems, []);
  assert.equal(report.checked.txns, 1);
});

const badPostings: [string, (p: PostingRequest) => unknown, string][] = [
  [
    'a fractional amount',
    (p) =>
      (p.legs = [
        { account: bank, amountFen: 1.5 },
        { account: escrow, amountFen: -1.5 },
      ]),
    'invalid_amount',
  ],
  [
    'an unsafe amount',
    (p) =>
      (p.legs = [
        { account: bank, amountFen: 2 ** 53 },
        { account: escrow, amountFen: -(2 ** 53) },
      ]),
    'invalid_amount',
  ],
  [
    'an amount given as a string',
    (p) => (p.legs[0] = { account: bank, amountFen: '5' as unknown as number }),
    'invalid_amount',
  ],
  ['a zero leg', (p) => p.legs.push({ account: account.fees(), amountFen: 0 }), 'invalid_amount'],
  [
    'debits that differ from credits',
    (p) => (p.legs[0] = { account: bank, amountFen: 101 }),
    'unbalanced_transaction',
  ],
  ['a single leg', (p) => (p.legs = [{ account: bank, amountFen: 0 }]), 'unbalanced_transaction'],
  [
    'an account outside the chart',
    (p) => (p.legs[0] = { account: 'platform:cash', amountFen: 100 }),
    'invalid_input',
  ],
  ['an unsupported currency', (p) => (p.currency = 'USD' as 'CNY'), 'currency_mismatch'],
  ['no txn id', (p) => (p.txnId = ''), 'invalid_input'],
  ['an unknown kind', (p) => (p.kind = 'gift' as 'payout'), 'invalid_input'],
  ['a negative time', (p) => (p.at = -1), 'invalid_input'],
];

for (const [what, corrupt, code] of badPostings) {
  test(`a posting with ${what} is refused with ${code} and writes nothing`, (t) => {
    const { db } = tempDb(t);
    const ledger = createLedger(db);
    const before = rowCounts(db);
    const req = hold(100);
    corrupt(req);
    assert.throws(() => ledger.post(req), { code });
    assert.deepEqual(rowCounts(db), before);
  });
}

test('an escrow is held at most once: a second hold of the same order is refused', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  ledger.post(hold(100));
  const before = rowCounts(db);
  assert.throws(() => ledger.post(hold(100, 't-hold-2')), { code: 'escrow_already_held' });
  assert.deepEqual(rowCounts(db), before);
  assert.equal(ledger.signedBalance(escrow, 'CNY'), -100);
});

test('an escrow is resolved at most once', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  ledger.post(hold(100));
  ledger.post(release(60));
  const before = rowCounts(db);
  assert.throws(() => ledger.post(release(40, 't-release-2')), { code: 'escrow_already_resolved' });
  assert.deepEqual(rowCounts(db), before);
});

test('a claim is paid at most once', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  ledger.post({
    txnId: 'fund',
    commandId: 'fund',
    kind: 'fund_guarantee',
    at: 1,
    currency: 'CNY',
    legs: [
      { account: bank, amountFen: 1_000 },
      { account: account.guaranteeFund(), amountFen: -1_000 },
    ],
  });
  const pay = (txnId: string): PostingRequest => ({
    txnId,
    commandId: txnId,
    kind: 'compensation',
    at: 2,
    currency: 'CNY',
    orderId: 'o1',
    paysClaim: 'k1',
    legs: [
      { account: account.guaranteeFund(), amountFen: 100 },
      { account: account.buyerRefundable('b1'), amountFen: -100 },
    ],
  });
  ledger.post(pay('pay-1'));
  const before = rowCounts(db);
  assert.throws(() => ledger.post(pay('pay-2')), { code: 'claim_already_paid' });
  assert.deepEqual(rowCounts(db), before);
});

test('an escrow account cannot pay out more than it holds', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  ledger.post(hold(100));
  const before = rowCounts(db);
  assert.throws(() => ledger.post(release(101)), { code: 'insufficient_funds' });
  assert.deepEqual(rowCounts(db), before);
  assert.equal(ledger.signedBalance(escrow, 'CNY'), -100);
});

test('the guarantee fund cannot pay compensation it does not have', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  const before = rowCounts(db);
  assert.throws(
    () =>
      ledger.post({
        txnId: 'pay',
        commandId: 'pay',
        kind: 'compensation',
        at: 2,
        currency: 'CNY',
        orderId: 'o1',
        paysClaim: 'k1',
        legs: [
          { account: account.guaranteeFund(), amountFen: 100 },
          { account: account.buyerRefundable('b1'), amountFen: -100 },
        ],
      }),
    { code: 'guarantee_fund_insufficient' },
  );
  assert.deepEqual(rowCounts(db), before);
});

test('posting the same txn id again returns the first posting; other content is a conflict', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  const first = ledger.post(hold(100));
  const before = rowCounts(db);
  const again = ledger.post(hold(100));
  assert.deepEqual(again, { ...first, duplicate: true });
  assert.throws(() => ledger.post(hold(101)), { code: 'idempotency_conflict' });
  assert.deepEqual(rowCounts(db), before);
});

test('journal rows and entries can be neither updated nor deleted', (t) => {
  const { db } = tempDb(t);
  createLedger(db).post(hold(100));
  for (const sql of [
    'UPDATE ledger_entries SET amount_fen = 1',
    'DELETE FROM ledger_entries',
    "UPDATE ledger_txns SET kind = 'payout'",
    'DELETE FROM ledger_txns',
    'DELETE FROM escrow_holds',
    'UPDATE escrow_holds SET amount_fen = 0',
  ]) {
    assert.throws(() => db.exec(sql), /append_only/, sql);
  }
  assert.deepEqual(verifyLedger(db).problems, []);
});

test('the hash chain links each transaction to the previous one, exposed per sequence number', (t) => {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  const a = ledger.post(hold(100));
  const b = ledger.post(release(100));
  assert.deepEqual(chainHeadAt(db, 0), { seq: 0, hash: GENESIS_HASH });
  assert.deepEqual(chainHeadAt(db, 1), { seq: 1, hash: a.hash });
  assert.deepEqual(chainHeadAt(db, 2), { seq: 2, hash: b.hash });
  assert.equal(chainHeadAt(db, 3), null);
  const second = db.prepare('SELECT prev_hash FROM ledger_txns WHERE seq = 2').pluck().get();
  assert.equal(second, a.hash);
  assert.notEqual(a.hash, b.hash);
  assert.match(a.hash, /^[0-9a-f]{64}$/);
});

test('two journals with the same postings have the same chain head', (t) => {
  const one = tempDb(t);
  const two = tempDb(t);
  for (const { db } of [one, two]) {
    const ledger = createLedger(db);
    ledger.post(hold(100));
    ledger.post(release(100));
  }
  assert.deepEqual(chainHeadAt(one.db, 2), chainHeadAt(two.db, 2));
});
