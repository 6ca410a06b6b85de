// Issue 13, item 4: losing the database primary. A primary with a synchronous hot standby (both
// PostgreSQL 15 clusters of this test), an API process on the libpq host list
// `…primary,…standby/db?target_session_attrs=read-write`, clients creating, paying and shipping
// orders over HTTP; mid-load the primary is SIGKILLed and the standby promoted. Every command a
// client saw acknowledged must be there afterwards, the ledger must verify, and the API must
// take writes again, without a restart.
// `npm test` runs a short fixed slice; FAILOVER_CLIENTS / FAILOVER_ORDERS make it bigger (README).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../server/db/openDatabase.ts';
import { BANK_SECRETS, ICBC_KEY, seedPlatform } from './testServer.ts';
import type { PersonName } from './testServer.ts';
import { FleetClient, STATUSES_AFTER, startApiProcess } from './cluster/apiFleet.ts';
import type { ApiProcess, RetryStats } from './cluster/apiFleet.ts';
import { clusterSkipReason, PgCluster, pollUntil, postgresFolder } from './cluster/pgCluster.ts';

const CLIENTS = Number(process.env.FAILOVER_CLIENTS ?? 6);
const ORDERS = Number(process.env.FAILOVER_ORDERS ?? 8); // per client
const PRIMARY_PORT = 25401;
const STANDBY_PORT = 25402;
const API_PORT = 25403;

describe('losing the database primary (issue 13)', () => {
  const skip = clusterSkipReason();
  if (skip) {
    it('needs its own PostgreSQL clusters', (t) => {
      t.skip(skip);
    });
    return;
  }
  let root = '';
  let primary: PgCluster;
  let standby: PgCluster;
  let api: ApiProcess | null = null;

  before(async () => {
    root = postgresFolder(mkdtempSync(join(process.env.CLUSTER_TMP ?? tmpdir(), 'failover-')));
    primary = await PgCluster.initPrimary(join(root, 'primary'), PRIMARY_PORT, {
      syncStandby: 'standby1',
    });
    await primary.start();
    standby = await PgCluster.standbyOf(primary, join(root, 'standby'), STANDBY_PORT, 'standby1');
    await standby.start();
    await primary.waitForSyncStandby('standby1');
  });
  after(async () => {
    await api?.stop();
    await standby?.stop();
    await primary?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('SIGKILL the primary mid-load, promote the standby: nothing acknowledged is lost', async (ctx) => {
    const hostList = `postgres://postgres@127.0.0.1:${PRIMARY_PORT},127.0.0.1:${STANDBY_PORT}/postgres?target_session_attrs=read-write&connect_timeout=3`;
    // Schema, users, merchants and funds, through the same host list.
    const setup = await openDatabase({ url: hostList });
    await seedPlatform(setup);
    await setup.close();
    api = await startApiProcess({
      API_DATABASE_URL: hostList,
      API_PORT: String(API_PORT),
      API_BANK_SECRETS: JSON.stringify(BANK_SECRETS),
    });
    const urls = [api.url];
    const stats: RetryStats = { networkErrors: 0, unavailable: 0 };
    const tokens = new Map<PersonName, string>();
    const clients = Array.from(
      { length: CLIENTS },
      () => new FleetClient(() => urls, stats, ICBC_KEY, tokens),
    );
    for (const who of ['buyer1', 'staff1', 'agent1'] as const) await clients[0]?.token(who);
    const acked = () => clients.reduce((n, c) => n + c.acks.length, 0);
    const total = CLIENTS * ORDERS * 3;

    // The primary dies once a third of the work is acknowledged, whatever is in flight then.
    let failedOverAfter = -1;
    const failover = (async () => {
      await pollUntil('a third of the commands acknowledged', 300_000, async () => {
        return acked() >= total / 3;
      });
      await primary.kill();
      failedOverAfter = acked();
      await standby.promote();
    })();
    // Awaited below; a load that fails first must not leave it rejecting unobserved.
    failover.catch(() => {});

    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = 0; k < ORDERS; k++) {
          const amountFen = 10_000 + i * 100 + k;
          const orderId = await c.createOrder(amountFen);
          const paid = await c.pay(orderId, amountFen);
          assert.equal(paid.status, 200, JSON.stringify(paid.body));
          const shipped = await c.ship(orderId);
          assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
        }
      }),
    );
    await failover;
    ctx.diagnostic(
      `${acked()} commands acknowledged (${failedOverAfter} before the kill); ` +
        `${stats.unavailable} answers 503, ${stats.networkErrors} network errors on the way`,
    );
    assert.ok(failedOverAfter > 0 && failedOverAfter < total, 'the primary died mid-load');

    // Everything acknowledged is on the promoted standby, as far as it was acknowledged.
    const survivor = await openDatabase({ url: standby.url() });
    try {
      const acks = clients.flatMap((c) => c.acks);
      const states = await survivor.query<{ order_id: string; status: string }>(
        'SELECT order_id, status FROM orders WHERE order_id = ANY($1)',
        [[...new Set(acks.map((a) => a.orderId))]],
      );
      const status = new Map(states.rows.map((r) => [r.order_id, r.status]));
      const missing = acks.filter(
        (a) => !STATUSES_AFTER[a.kind].includes(status.get(a.orderId) ?? ''),
      );
      assert.deepEqual(missing, [], 'acknowledged commands missing after the failover');
      assert.equal(acks.length, total);
    } finally {
      await survivor.close();
    }

    // The same API process, never restarted, verifies the ledger and takes writes again.
    const probe = new FleetClient(() => urls, stats, ICBC_KEY, tokens, 30_000);
    const verify = await probe.send('GET', '/v1/ledger/verify', undefined, () => ({}));
    const agent = await probe.token('agent1');
    const verified = await probe.send('GET', '/v1/ledger/verify', undefined, () => ({
      authorization: `Bearer ${agent}`,
    }));
    assert.equal(verify.status, 401);
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.deepEqual(verified.body.problems, []);
    assert.equal(verified.body.ok, true);
    const after = await probe.createOrder(12_345);
    assert.equal((await probe.pay(after, 12_345)).status, 200);
  });
});
