import assert from 'node:assert/strict';
import type { OrderState } from '../../shared/escrow/types.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { orderFor } from '../../server/http/sellerView.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import type { TestDesk } from './syncTestDesk.ts';

/** What a test remembers of each mutation it enqueued, to account for every one at the end. */
export interface Enqueued {
  mutationId: number;
  commandId: string;
}

/**
 * The end-state checks shared by the sync scenarios: each desk's confirmed replica equals the
 * server's rows for merchant m1, its journal chain matches, nothing is pending, the server's
 * ledger verifies, no command moved money twice, and every mutation a desk enqueued ended
 * applied or rejected on the server, with a sync issue on the desk exactly for the rejected ones.
 */
/** The desks checked here are seller staff of m1 (syncTestServer's staff1…). */
const STAFF: Actor = { role: 'seller_staff', userId: 'staff', merchantId: 'm1' };

export async function assertConverged(
  server: SyncTestServer,
  desks: { desk: TestDesk; enqueued: Enqueued[] }[],
): Promise<{ applied: number; rejected: number }> {
  const serverOrders = await server.db.query<{ order_id: string; state: OrderState }>(
    "SELECT order_id, state FROM orders WHERE merchant_id = 'm1' ORDER BY order_id",
  );
  const serverTxns = await server.db.query<{ txn_id: string }>(
    `SELECT t.txn_id FROM ledger_transactions t
     WHERE t.order_id IN (SELECT order_id FROM orders WHERE merchant_id = 'm1')
        OR EXISTS (SELECT 1 FROM ledger_entries e WHERE e.txn_id = t.txn_id
                   AND e.account LIKE 'merchant:m1:%')
     ORDER BY t.txn_id`,
  );
  const ledger = await verifyLedger(server.db);
  assert.deepEqual(ledger.problems, [], 'the server ledger verifies');

  const twice = await server.db.query(
    `SELECT command_id, kind FROM ledger_transactions GROUP BY command_id, kind HAVING count(*) > 1`,
  );
  assert.equal(twice.rowCount, 0, 'no command posted the same kind of money movement twice');
  const dupResults = await server.db.query(
    'SELECT command_id FROM sync_results GROUP BY command_id HAVING count(*) > 1',
  );
  assert.equal(dupResults.rowCount, 0, 'no command id was processed under two mutations');

  let applied = 0;
  let rejected = 0;
  for (const { desk, enqueued } of desks) {
    const c = desk.client;
    assert.equal(c.pendingCount(), 0, 'nothing left pending');
    assert.equal(
      desk.db.prepare('SELECT count(*) FROM sync_outbox').pluck().get(),
      0,
      'outbox drained',
    );
    assert.equal(
      desk.db.prepare('SELECT count(*) FROM sync_provisional_orders').pluck().get(),
      0,
      'no provisional state without pending mutations',
    );
    const local = desk.db
      .prepare('SELECT order_id, state_json FROM sync_orders ORDER BY order_id')
      .all() as { order_id: string; state_json: string }[];
    assert.equal(local.length, serverOrders.rowCount, 'same number of orders');
    for (const [i, row] of local.entries()) {
      const s = serverOrders.rows[i];
      assert.equal(row.order_id, s?.order_id);
      // As the server lets seller staff read it (recipient masked), which is what the pull sends.
      assert.deepEqual(
        JSON.parse(row.state_json),
        s && orderFor(STAFF, s.state),
        `order ${row.order_id} converged`,
      );
    }
    const txns = desk.db
      .prepare('SELECT txn_id FROM sync_txns ORDER BY txn_id')
      .pluck()
      .all() as string[];
    assert.deepEqual(
      txns,
      serverTxns.rows.map((r) => r.txn_id),
      'same journal rows',
    );
    const v = await c.verifyReplica();
    assert.deepEqual(v.problems, [], 'rehashed rows and the scoped chain match the server');

    const results = await server.db.query<{
      mutation_id: number;
      command_id: string;
      status: string;
      error: { code: string } | null;
    }>('SELECT mutation_id, command_id, status, error FROM sync_results WHERE client_id = $1', [
      c.clientId,
    ]);
    const byId = new Map(results.rows.map((r) => [r.mutation_id, r]));
    const issues = new Map(c.issues({ includeAcknowledged: true }).map((i) => [i.mutationId, i]));
    for (const m of enqueued) {
      const r = byId.get(m.mutationId);
      assert.ok(r, `mutation ${m.mutationId} reached the server`);
      assert.equal(r.command_id, m.commandId, 'under the id the desk gave it');
      if (r.status === 'rejected') {
        rejected++;
        const issue = issues.get(m.mutationId);
        assert.ok(issue, `rejected mutation ${m.mutationId} is a visible sync issue`);
        assert.equal(issue.error.code, r.error?.code);
      } else {
        applied++;
        assert.equal(issues.has(m.mutationId), false, 'applied mutations raise no issue');
      }
    }
    assert.equal(results.rowCount, enqueued.length, 'the server processed nothing else');
    const rejectedHere = results.rows.filter((r) => r.status === 'rejected').length;
    assert.equal(issues.size, rejectedHere, 'one issue per rejection, no more');
  }
  return { applied, rejected };
}
