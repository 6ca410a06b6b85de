// The restore drill of docs/production.md, run: WAL archiving on a primary, a base backup,
// orders paid before and after a chosen moment, the primary lost, and a new cluster recovered
// from the backup and the archive to that moment (recovery_target_time). What was committed
// before the moment is there, what came after is not, and the ledger verifies.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../server/db/openDatabase.ts';
import { BANK_SECRETS, ICBC_KEY, seedPlatform } from './testServer.ts';
import type { PersonName } from './testServer.ts';
import { FleetClient, startApiProcess } from './cluster/apiFleet.ts';
import type { ApiProcess, RetryStats } from './cluster/apiFleet.ts';
import {
  baseBackup,
  clusterSkipReason,
  PgCluster,
  pollUntil,
  postgresFolder,
} from './cluster/pgCluster.ts';

const PRIMARY_PORT = 25421;
const RESTORED_PORT = 25422;
const API_PORT = 25423;
const ORDERS = 5; // before the moment, and again after it

describe('point-in-time recovery drill (issue 13)', () => {
  const skip = clusterSkipReason();
  if (skip) {
    it('needs its own PostgreSQL cluster', (t) => {
      t.skip(skip);
    });
    return;
  }
  let root = '';
  let primary: PgCluster;
  let restored: PgCluster | null = null;
  let api: ApiProcess | null = null;

  before(async () => {
    root = postgresFolder(mkdtempSync(join(process.env.CLUSTER_TMP ?? tmpdir(), 'pitr-')));
  });
  after(async () => {
    await api?.stop();
    await restored?.stop();
    await primary?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('restores the ledger to a moment between two batches of payments', async (ctx) => {
    const archive = postgresFolder(join(root, 'wal-archive'));
    primary = await PgCluster.initPrimary(join(root, 'primary'), PRIMARY_PORT, {
      archiveDir: archive,
    });
    await primary.start();
    const setup = await openDatabase({ url: primary.url() });
    await seedPlatform(setup);
    await setup.close();
    // 1. The nightly base backup.
    await baseBackup(primary, join(root, 'base-backup'));

    // 2. A day's work: orders paid before the moment to recover to, and after it.
    const startApi = async (url: string) =>
      startApiProcess({
        API_DATABASE_URL: url,
        API_PORT: String(API_PORT),
        API_BANK_SECRETS: JSON.stringify(BANK_SECRETS),
      });
    api = await startApi(primary.url());
    const stats: RetryStats = { networkErrors: 0, unavailable: 0 };
    const tokens = new Map<PersonName, string>();
    let urls = [api.url];
    const client = new FleetClient(() => urls, stats, ICBC_KEY, tokens, 60_000);
    const payOrders = async (base: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < ORDERS; i++) {
        const id = await client.createOrder(base + i);
        assert.equal((await client.pay(id, base + i)).status, 200);
        ids.push(id);
      }
      return ids;
    };
    const before = await payOrders(10_000);
    const [moment] = await primary.query<{ t: string }>(
      `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS t`,
    );
    const targetTime = moment?.t ?? '';
    const afterMoment = await payOrders(20_000);

    // 3. The last WAL segment goes to the archive (archive_command), then the primary is lost.
    const [switched] = await primary.query<{ wal: string }>(
      'SELECT pg_walfile_name(pg_switch_wal()) AS wal',
    );
    await pollUntil('the last WAL segment archived', 120_000, async () => {
      const [a] = await primary.query<{ last: string | null }>(
        'SELECT last_archived_wal AS last FROM pg_stat_archiver',
      );
      return (a?.last ?? '') >= (switched?.wal ?? '~');
    });
    await api.stop();
    api = null;
    await primary.kill();

    // 4. Restore: the base backup, the archive replayed to the moment, promoted there.
    restored = await PgCluster.restore({
      backupDir: join(root, 'base-backup'),
      dir: join(root, 'restored'),
      port: RESTORED_PORT,
      archiveDir: archive,
      targetTime,
    });
    await restored.start();
    await pollUntil('the restored cluster promoted', 120_000, async () => {
      const [r] = await restored!.query<{ recovering: boolean }>(
        'SELECT pg_is_in_recovery() AS recovering',
      );
      return r?.recovering === false;
    });
    ctx.diagnostic(`recovered to ${targetTime} (archived up to ${switched?.wal})`);

    // 5. Check: the orders before the moment, none after it, and a clean ledger.
    const rows = await restored.query<{ order_id: string; status: string }>(
      'SELECT order_id, status FROM orders WHERE order_id = ANY($1)',
      [[...before, ...afterMoment]],
    );
    const status = new Map(rows.map((r) => [r.order_id, r.status]));
    assert.deepEqual(
      before.map((id) => status.get(id)),
      before.map(() => 'funds_held'),
    );
    assert.deepEqual(
      afterMoment.filter((id) => status.has(id)),
      [],
      'nothing after the moment',
    );
    api = await startApi(restored.url());
    urls = [api.url];
    const agent = await client.token('agent1');
    const verified = await client.send('GET', '/v1/ledger/verify', undefined, () => ({
      authorization: `Bearer ${agent}`,
    }));
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.deepEqual(verified.body.problems, []);
    assert.equal(verified.body.ok, true);
  });
});
