import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeskError } from '../../shared/errors.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import type { Database } from '../../server/db/database.ts';
import { readBalances, signedBalance } from '../../server/ledger/balances.ts';
import { fundGuaranteeFund } from '../../server/ledger/platformFunding.ts';
import { postTransaction } from '../../server/ledger/postTransaction.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { merchantAccounts } from '../../shared/ledger/accounts.ts';
import { openTestDatabase } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

const AT = Date.UTC(2026, 0, 1);

function posting(
  legs: PostingRequest['legs'],
  extra: Partial<PostingRequest> = {},
): PostingRequest {
  const id = uuidv7(AT);
  return {
    txnId: id,
    shard: 0,
    commandId: id,
    kind: 'payment_confirmed',
    at: AT,
    currency: 'CNY',
    legs,
    ...extra,
  };
}

async function rejects(db: Database, req: PostingRequest, code: string): Promise<void> {
  const before = await verifyLedger(db);
  await assert.rejects(
    db.transaction((tx) => postTransaction(tx, req)),
    (e: unknown) => e instanceof DeskError && e.code === code,
  );
  const afterwards = await verifyLedger(db);
  assert.equal(afterwards.transactions, before.transactions);
  assert.deepEqual(afterwards.heads, before.heads);
  assert.equal(afterwards.root, before.root);
}

describe('the PostgreSQL ledger', () => {
  let tdb: TestDatabase;
  let db: Database;
  before(async () => {
    tdb = await openTestDatabase('ledger');
    db = tdb.db;
    // All in shard 0, the shard these postings are made in: the fund's floor is per shard.
    await fundGuaranteeFund(db, {
      fundingId: 'f1',
      amountFen: 1_000,
      bank: 'icbc',
      at: AT,
      shard: 0,
    });
  });
  after(() => tdb.drop());

  it('refuses unbalanced, one-legged, zero, float and unknown-account postings', async () => {
    await rejects(
      db,
      posting([
        { account: 'platform:bank:icbc', amountFen: 100 },
        { account: 'escrow:order:o1', amountFen: -99 },
      ]),
      'unbalanced_transaction',
    );
    await rejects(
      db,
      posting([{ account: 'platform:bank:icbc', amountFen: 0 }]),
      'unbalanced_transaction',
    );
    await rejects(
      db,
      posting([
        { account: 'platform:bank:icbc', amountFen: 0.5 },
        { account: 'escrow:order:o1', amountFen: -0.5 },
      ]),
      'invalid_amount',
    );
    await rejects(
      db,
      posting([
        { account: 'platform:bank:icbc', amountFen: 10 },
        { account: 'somewhere:else', amountFen: -10 },
      ]),
      'invalid_input',
    );
  });

  it('a read of a merchant’s balances takes `_` in its id literally', async () => {
    for (const merchant of ['mx1', 'm_1'])
      await db.transaction((tx) =>
        postTransaction(
          tx,
          posting([
            { account: 'platform:bank:icbc', amountFen: 100 },
            { account: `merchant:${merchant}:available`, amountFen: -100 },
          ]),
        ),
      );
    const read = await readBalances(db, merchantAccounts('m_1'));
    assert.deepEqual(
      read.map((b) => [b.account, b.balanceFen]),
      [['merchant:m_1:available', 100]],
    );
    const exact = await readBalances(db, ['merchant:mx1:available']);
    assert.deepEqual(
      exact.map((b) => b.account),
      ['merchant:mx1:available'],
    );
  });

  it('never lets a floor-zero account cross zero', async () => {
    await rejects(
      db,
      posting(
        [
          { account: 'platform:guarantee_fund', amountFen: 1_001 },
          { account: 'buyer:b1:refundable', amountFen: -1_001 },
        ],
        { kind: 'compensation', paysClaim: 'c-big' },
      ),
      'guarantee_fund_insufficient',
    );
    await rejects(
      db,
      posting([
        { account: 'merchant:m1:available', amountFen: 1 },
        { account: 'platform:fees', amountFen: -1 },
      ]),
      'insufficient_funds',
    );
    // The CHECK constraint holds even if code above were to skip the check.
    await assert.rejects(
      db.query(
        `UPDATE account_balances SET balance_fen = 5 WHERE account = 'platform:guarantee_fund'`,
      ),
      /balance_floor/,
    );
  });

  it('holds an escrow once and resolves it once, whatever the caller does', async () => {
    const hold = () =>
      posting(
        [
          { account: 'platform:bank:icbc', amountFen: 500 },
          { account: 'escrow:order:o-guard', amountFen: -500 },
        ],
        { holdsEscrowOf: 'o-guard', orderId: 'o-guard' },
      );
    await db.transaction((tx) => postTransaction(tx, hold()));
    await rejects(db, hold(), 'escrow_already_held');
    const release = () =>
      posting(
        [
          { account: 'escrow:order:o-guard', amountFen: 250 },
          { account: 'merchant:m1:available', amountFen: -250 },
        ],
        { kind: 'escrow_release', resolvesEscrowOf: 'o-guard', orderId: 'o-guard' },
      );
    await db.transaction((tx) => postTransaction(tx, release()));
    await rejects(db, release(), 'escrow_already_resolved');
    assert.equal(await signedBalance(db, 'escrow:order:o-guard', 'CNY'), -250);
    assert.equal((await verifyLedger(db)).ok, true);
  });

  it('the journal is append-only, even for the table owner', async () => {
    await assert.rejects(
      db.query('UPDATE ledger_entries SET amount_fen = amount_fen * 2'),
      /append-only/,
    );
    await assert.rejects(db.query('DELETE FROM ledger_transactions'), /append-only/);
    await assert.rejects(db.query('TRUNCATE ledger_entries CASCADE'), /append-only/);
    await assert.rejects(db.query('DELETE FROM escrow_resolutions'), /append-only/);
  });

  it('verify finds a tampered entry, a broken hash chain and a wrong materialised balance', async () => {
    assert.deepEqual((await verifyLedger(db)).problems, []);
    // Simulate tampering by someone who can switch the guard off.
    await db.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only');
    try {
      await db.query(
        `UPDATE ledger_entries SET amount_fen = amount_fen + 1
         WHERE txn_id = 'f1:p0' AND amount_fen > 0`,
      );
      const report = await verifyLedger(db);
      assert.equal(report.ok, false);
      const codes = new Set(report.problems.map((p) => p.code));
      assert.ok(codes.has('unbalanced_transaction'));
      assert.ok(codes.has('hash_chain_broken'));
      assert.ok(codes.has('currency_not_zero'));
      assert.ok(codes.has('balance_mismatch'));
    } finally {
      await db.query(
        `UPDATE ledger_entries SET amount_fen = amount_fen - 1
         WHERE txn_id = 'f1:p0' AND amount_fen > 0`,
      );
      await db.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only');
    }
    assert.deepEqual((await verifyLedger(db)).problems, []);
  });
});
