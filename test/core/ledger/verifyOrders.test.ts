import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { createEscrowService } from '../../../electron/core/escrow/escrowService.ts';
import { verifyLedger } from '../../../electron/core/ledger/verifyLedger.ts';
import type { Db } from '../../../electron/core/store/openDatabase.ts';
import { DAY_MS } from '../../../shared/time.ts';
import {
  agent,
  buyer,
  confirmPayment,
  confirmReceipt,
  createOrder,
  env,
  ship,
} from '../helpers/commands.ts';
import { dropAppendOnlyTriggers, tempDb } from '../helpers/tempDb.ts';

const T0 = Date.UTC(2026, 0, 5);

/** Orders through the real service: o1 completed and compensated, o2 paid and held. */
function withOrders(t: TestContext): Db {
  const { db } = tempDb(t);
  const svc = createEscrowService(db);
  const must = (r: { ok: boolean }) => assert.ok(r.ok, JSON.stringify(r));
  must(svc.fundGuaranteeFund({ txnId: 'fund', bank: 'ICBC', amountFen: 100_000 }, T0));
  for (const e of [
    createOrder('o1'),
    confirmPayment('o1'),
    ship('o1'),
    confirmReceipt('o1'),
    createOrder('o2'),
    confirmPayment('o2'),
  ]) {
    must(svc.apply(e, T0));
  }
  must(
    svc.apply(
      env(buyer(), {
        type: 'file_claim',
        orderId: 'o1',
        claimId: 'k1',
        amountFen: 5_000,
        reason: 'fake',
        evidence: [],
      }),
      T0 + DAY_MS,
    ),
  );
  must(
    svc.apply(
      env(agent, {
        type: 'decide_claim',
        orderId: 'o1',
        claimId: 'k1',
        decision: 'approve',
        reasonCode: 'fraud',
        note: '',
      }),
      T0 + DAY_MS,
    ),
  );
  assert.deepEqual(verifyLedger(db).problems, [], 'starts healthy');
  dropAppendOnlyTriggers(db);
  return db;
}

function codes(db: Db): string[] {
  return [...new Set(verifyLedger(db).problems.map((p) => p.code))].sort();
}

test('verify counts orders, holds, resolutions and claim payments', (t) => {
  const db = withOrders(t);
  const { checked } = verifyLedger(db);
  assert.equal(checked.orders, 2);
  assert.equal(checked.holds, 2);
  assert.equal(checked.resolutions, 1);
  assert.equal(checked.claimPayments, 1);
});

test('verify finds a final order that still holds escrow', (t) => {
  const db = withOrders(t);
  db.exec(`UPDATE orders SET status = 'completed' WHERE order_id = 'o2'`);
  assert.deepEqual(codes(db), ['final_order_escrow_not_zero']);
});

test('verify finds an order whose state disagrees with its escrow account', (t) => {
  const db = withOrders(t);
  db.exec(`UPDATE orders SET held_fen = 1 WHERE order_id = 'o2'`);
  assert.deepEqual(codes(db), ['order_escrow_mismatch']);
});

test('verify finds an order whose version does not match its timeline (a half-applied command)', (t) => {
  const db = withOrders(t);
  db.exec(`DELETE FROM order_events WHERE order_id = 'o2' AND version = 2`);
  assert.deepEqual(codes(db), ['order_version_mismatch']);
});

test('verify finds compensation above the claim amount', (t) => {
  const db = withOrders(t);
  const state = JSON.parse(
    db.prepare(`SELECT state_json FROM orders WHERE order_id = 'o1'`).pluck().get() as string,
  );
  state.claims[0].amountFen = 4_000;
  db.prepare(`UPDATE orders SET state_json = ? WHERE order_id = 'o1'`).run(JSON.stringify(state));
  assert.deepEqual(codes(db), ['compensation_exceeds_claim']);
});

test('verify finds a claim paid twice', (t) => {
  const db = withOrders(t);
  const head = db.prepare('SELECT MAX(seq) FROM ledger_txns').pluck().get() as number;
  db.exec(
    `INSERT INTO ledger_txns VALUES (${head + 1}, 'pay-again', 'c', 'compensation', ${T0}, 'CNY', 'o1', 'k1', 'x', 'y')`,
  );
  db.exec(
    `INSERT INTO ledger_entries VALUES (${head + 1}, 0, 'platform:guarantee_fund', 1), (${head + 1}, 1, 'buyer:b1:refundable', -1)`,
  );
  const found = codes(db);
  for (const code of ['claim_paid_twice', 'claim_guard_mismatch', 'compensation_exceeds_claim']) {
    assert.ok(found.includes(code), `${code} in ${found.join()}`);
  }
});
