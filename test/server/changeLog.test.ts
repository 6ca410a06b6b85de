import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyCommand } from '../../server/escrow/applyCommand.ts';
import { completedOrder, createOrder } from './escrowSteps.ts';
import { postgresReachable, startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

interface ChangeRow {
  seq: number;
  kind: string;
  key: string;
  merchant_id: string | null;
  buyer_id: string | null;
  payload: { status?: string; version?: number; txnId?: string; hash?: string };
}

describe('the change log (source of sync pull)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('changes');
  });
  after(() => t.close());

  const changesSince = async (seq: number) =>
    (await t.db.query<ChangeRow>('SELECT * FROM changes WHERE seq > $1 ORDER BY seq', [seq])).rows;
  const head = async () =>
    (await t.db.query<{ s: number | null }>('SELECT max(seq) AS s FROM changes')).rows[0]?.s ?? 0;

  it('records every order version and ledger transaction, scoped to merchant and buyer', async () => {
    const from = await head();
    const orderId = await completedOrder(t, { amountFen: 2_500 });
    const rows = await changesSince(from);
    const orderRows = rows.filter((r) => r.kind === 'order');
    assert.deepEqual(
      orderRows.map((r) => r.payload.status),
      ['awaiting_payment', 'funds_held', 'shipped', 'completed'],
    );
    assert.deepEqual(
      orderRows.map((r) => r.payload.version),
      [...orderRows.map((r) => r.payload.version)].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
    const txns = rows.filter((r) => r.kind === 'ledger_txn');
    assert.equal(txns.length, 2, 'payment and release');
    for (const r of rows) {
      assert.equal(r.key === orderId || r.kind === 'ledger_txn', true);
      assert.equal(r.merchant_id, 'm1');
      assert.equal(r.buyer_id, 'b1');
    }
    const journal = await t.db.query<{ txn_id: string; hash: string }>(
      'SELECT txn_id, hash FROM ledger_transactions WHERE order_id = $1 ORDER BY seq',
      [orderId],
    );
    assert.deepEqual(
      txns.map((r) => [r.payload.txnId, r.payload.hash]),
      journal.rows.map((j) => [j.txn_id, j.hash]),
    );
  });

  it('a rejected command logs no change', async () => {
    const orderId = await createOrder(t, { amountFen: 900 });
    const from = await head();
    const r = await t.post(`/v1/orders/${orderId}/confirm-receipt`, {}, 'buyer1');
    assert.equal(r.status, 409);
    assert.deepEqual(await changesSince(from), []);
  });

  it("applyCommand joins the caller's transaction: if the caller rolls back, nothing stays", async () => {
    const orderId = await createOrder(t, { amountFen: 1_100 });
    const from = await head();
    const commandId = '0190c000-0000-7000-8000-000000000777';
    await assert.rejects(
      t.db.transaction(async (tx) => {
        const outcome = await applyCommand(
          tx,
          {
            commandId,
            actor: { role: 'bank', userId: 'bank:icbc' },
            command: {
              type: 'confirm_payment',
              orderId,
              bank: 'icbc',
              bankRef: 'R-1',
              currency: 'CNY',
              amountFen: 1_100,
            },
          },
          t.clock.now(),
        );
        assert.equal(outcome.ok, true);
        throw new Error('the sync layer failed after applying');
      }),
      /sync layer failed/,
    );
    assert.deepEqual(await changesSince(from), []);
    const cmd = await t.db.query('SELECT 1 FROM commands WHERE command_id = $1', [commandId]);
    assert.equal(cmd.rowCount, 0, 'the command id is not consumed either');
    const order = (await t.get(`/v1/orders/${orderId}`, 'buyer1')).body.order;
    assert.equal(order.status, 'awaiting_payment');
  });
  it(
    'a writer holding the change log of one schema does not hold back another schema',
    { timeout: 60_000 },
    async (ctx) => {
      if (!(await postgresReachable())) return ctx.skip('one schema only on PGlite');
      const other = await startTestServer('changes_other');
      try {
        const orderId = await createOrder(t, { amountFen: 1_200 });
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        let holding!: () => void;
        const held = new Promise<void>((r) => (holding = r));
        // This schema's writer logs a change and keeps its transaction (and the lock) open.
        const writer = t.db.transaction(async (tx) => {
          const outcome = await applyCommand(
            tx,
            {
              commandId: '0190c000-0000-7000-8000-000000000888',
              actor: { role: 'bank', userId: 'bank:icbc' },
              command: {
                type: 'confirm_payment',
                orderId,
                bank: 'icbc',
                bankRef: 'R-2',
                currency: 'CNY',
                amountFen: 1_200,
              },
            },
            t.clock.now(),
          );
          assert.equal(outcome.ok, true);
          holding();
          await released;
        });
        await held;
        // Meanwhile another schema's order goes through: it would wait for the release if the
        // lock were database-wide.
        const otherOrder = await createOrder(other, { amountFen: 1_300 });
        const seen = await other.db.query('SELECT 1 FROM changes WHERE key = $1', [otherOrder]);
        assert.ok((seen.rowCount ?? 0) > 0);
        release();
        await writer;
      } finally {
        await other.close();
      }
    },
  );
});
