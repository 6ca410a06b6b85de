import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { createLedger } from '../../../electron/core/ledger/ledger.ts';
import { verifyLedger } from '../../../electron/core/ledger/verifyLedger.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { account } from '../../../shared/ledger/accounts.ts';
import { dropAppendOnlyTriggers, tempDb } from '../helpers/tempDb.ts';

const bank = account.bank('ICBC');

/** A small healthy journal: two held orders, one released with a fee. */
function healthy(t: TestContext): Db {
  const { db } = tempDb(t);
  const ledger = createLedger(db);
  for (const orderId of ['o1', 'o2']) {
    ledger.post({
      txnId: `hold-${orderId}`,
      commandId: `c-${orderId}`,
      kind: 'payment_confirmed',
      at: 1_000,
      currency: 'CNY',
      orderId,
      holdsEscrowOf: orderId,
      legs: [
        { account: bank, amountFen: 10_000 },
        { account: account.escrow(orderId), amountFen: -10_000 },
      ],
    });
  }
  ledger.post({
    txnId: 'release-o1',
    commandId: 'c-release',
    kind: 'escrow_release',
    at: 2_000,
    currency: 'CNY',
    orderId: 'o1',
    resolvesEscrowOf: 'o1',
    legs: [
      { account: account.escrow('o1'), amountFen: 10_000 },
      { account: account.merchantAvailable('m1'), amountFen: -9_940 },
      { account: account.fees(), amountFen: -60 },
    ],
  });
  assert.deepEqual(verifyLedger(db).problems, [], 'the journal starts healthy');
  dropAppendOnlyTriggers(db);
  return db;
}

function codes(db: Db): string[] {
  const report = verifyLedger(db);
  assert.equal(report.ok, false);
  return [...new Set(report.problems.map((p) => p.code))].sort();
}

test('verify reports its counts on a healthy journal', (t) => {
  const db = healthy(t);
  const report = verifyLedger(db);
  assert.equal(report.ok, true);
  assert.deepEqual(report.checked, {
    txns: 3,
    entries: 7,
    accounts: 5,
    orders: 0,
    holds: 2,
    resolutions: 1,
    claimPayments: 0,
  });
});

test('verify finds a transaction whose entries do not balance', (t) => {
  const db = healthy(t);
  db.exec('UPDATE ledger_entries SET amount_fen = 9_000 WHERE seq = 1 AND leg = 0');
  db.exec(`UPDATE account_balances SET balance_fen = balance_fen - 1000 WHERE account = '${bank}'`);
  const found = codes(db);
  assert.ok(found.includes('unbalanced_txn'), found.join());
  assert.ok(found.includes('currency_not_zero'), found.join());
  assert.ok(found.includes('hash_mismatch'), found.join());
});

test('verify finds a materialised balance that differs from its entries', (t) => {
  const db = healthy(t);
  db.exec(`UPDATE account_balances SET balance_fen = -9_000 WHERE account = 'escrow:order:o2'`);
  db.exec(`UPDATE account_balances SET balance_fen = 19_000 WHERE account = '${bank}'`);
  assert.deepEqual(codes(db), ['balance_mismatch']);
});

test('verify finds a balance row missing for an account that has entries', (t) => {
  const db = healthy(t);
  db.exec(`DELETE FROM account_balances WHERE account = 'platform:fees'`);
  assert.deepEqual(codes(db), ['balance_mismatch', 'currency_not_zero']);
});

test('verify finds a floor-zero account on the wrong side even when its row claims no floor', (t) => {
  const db = healthy(t);
  // A row that lies about its floor escapes the CHECK; verify reads the chart, not the row.
  db.exec(`INSERT INTO account_balances VALUES ('CNY', 'merchant:m9:available', 500, -1, 0)`);
  db.exec(`UPDATE account_balances SET balance_fen = balance_fen - 500 WHERE account = '${bank}'`);
  const found = codes(db);
  assert.ok(found.includes('negative_balance'), found.join());
});

test('verify finds an escrow held twice and a resolution without a hold', (t) => {
  const db = healthy(t);
  db.exec(`INSERT INTO ledger_txns VALUES (4, 'hold-o1-again', 'c', 'payment_confirmed', 3000,
           'CNY', 'o1', NULL, 'x', 'y')`);
  db.exec(`INSERT INTO ledger_entries VALUES (4, 0, '${bank}', 5), (4, 1, 'escrow:order:o1', -5)`);
  db.exec(`INSERT INTO ledger_txns VALUES (5, 'release-o3', 'c', 'escrow_release', 3000,
           'CNY', 'o3', NULL, 'x', 'y')`);
  db.exec(
    `INSERT INTO ledger_entries VALUES (5, 0, 'escrow:order:o3', 5), (5, 1, 'platform:fees', -5)`,
  );
  const found = codes(db);
  for (const code of ['escrow_held_twice', 'resolution_without_hold', 'hold_guard_mismatch']) {
    assert.ok(found.includes(code), `${code} in ${found.join()}`);
  }
});

test('verify finds an escrow resolved twice', (t) => {
  const db = healthy(t);
  db.exec(`INSERT INTO ledger_txns VALUES (4, 'release-o2', 'c', 'escrow_refund', 3000,
           'CNY', 'o1', NULL, 'x', 'y')`);
  db.exec(
    `INSERT INTO ledger_entries VALUES (4, 0, 'escrow:order:o1', 1), (4, 1, 'platform:fees', -1)`,
  );
  const found = codes(db);
  assert.ok(found.includes('escrow_resolved_twice'), found.join());
  assert.ok(found.includes('resolution_guard_mismatch'), found.join());
});

test('verify finds a rewritten transaction through the hash chain', (t) => {
  const db = healthy(t);
  db.exec('UPDATE ledger_txns SET at = 999 WHERE seq = 2');
  assert.deepEqual(codes(db), ['hash_mismatch']);
});

test('verify finds a transaction removed from the middle of the chain', (t) => {
  const db = healthy(t);
  db.exec('DELETE FROM ledger_entries WHERE seq = 2');
  db.exec('DELETE FROM escrow_holds WHERE seq = 2');
  db.exec('DELETE FROM ledger_txns WHERE seq = 2');
  db.exec(`UPDATE account_balances SET balance_fen = 0 WHERE account = 'escrow:order:o2'`);
  db.exec(`UPDATE account_balances SET balance_fen = 10_000 WHERE account = '${bank}'`);
  const found = codes(db);
  assert.ok(found.includes('chain_gap'), found.join());
  assert.ok(found.includes('chain_broken'), found.join());
});

test('verify finds a hold guard removed from under its journal row', (t) => {
  const db = healthy(t);
  db.exec(`DELETE FROM escrow_holds WHERE order_id = 'o2'`);
  assert.deepEqual(codes(db), ['hold_guard_mismatch']);
});
