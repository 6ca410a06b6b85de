import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { HOUR_MS } from '../../shared/time.ts';
import { assertLedgerOk, createOrder } from './escrowSteps.ts';
import { PG_URL, postgresReachable, startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

const run = promisify(execFile);
const TIMERS = Number(process.env.TIMER_PROCESS_ORDERS ?? 1000);
const PROCESSES = 3;
const runner = fileURLToPath(new URL('./timerRunner.ts', import.meta.url));

describe('timers across API processes (issue 13)', async () => {
  if (!(await postgresReachable())) {
    it('needs PostgreSQL (PGlite is one process)', (t) => {
      t.skip('no PostgreSQL at TEST_DATABASE_URL');
    });
    return;
  }
  let t: TestServer;
  before(async () => {
    t = await startTestServer('timer_procs');
  });
  after(() => t.close());

  it(`${PROCESSES} processes close ${TIMERS} overdue unpaid orders, each exactly once`, async (ctx) => {
    const orders: string[] = [];
    await t.token('buyer1'); // one sign-in, then the orders 25 at a time
    for (let i = 0; i < TIMERS; i += 25)
      orders.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(25, TIMERS - i) }, (_, k) =>
            createOrder(t, { amountFen: 1_000 + i + k }),
          ),
        )),
      );
    const due = t.clock.advance(72 * HOUR_MS + 1);

    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        run(process.execPath, ['--import', 'tsx', runner, PG_URL, t.db.schema, String(due)], {
          timeout: 300_000,
        }),
      ),
    );
    const applied = outputs.map((o) => (JSON.parse(o.stdout) as { applied: number }).applied);
    ctx.diagnostic(`timers applied per process: ${applied.join(', ')}`);
    assert.equal(
      applied.reduce((a, b) => a + b, 0),
      TIMERS,
      `applied ${applied.join(' + ')}`,
    );

    const closed = await t.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM orders WHERE order_id = ANY($1) GROUP BY status`,
      [orders],
    );
    assert.deepEqual(closed.rows, [{ status: 'closed_unpaid', n: TIMERS }]);
    // One timer command per order in the command log, whoever applied it.
    const commands = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM commands
        WHERE order_id = ANY($1) AND command_id LIKE 'timer:%'`,
      [orders],
    );
    assert.equal(commands.rows[0]?.n, TIMERS);
    await assertLedgerOk(t);
  });
});
