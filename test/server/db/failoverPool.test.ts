// The API's PostgreSQL pool on a real server: a host list whose first host is down, and
// connections terminated by the server (what a restart or failover does to them). The whole
// primary-loss story with a promoted standby is test/server/failover.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isConnectionLoss } from '../../../server/db/connectionLoss.ts';
import type { Database } from '../../../server/db/database.ts';
import { openPostgres } from '../../../server/db/postgresDatabase.ts';
import { PG_URL, postgresReachable } from '../testServer.ts';

/** The test server's URL with a host list: first a port nobody listens on, then the server. */
function behindDeadHost(url: string): string {
  const u = new URL(url);
  const dead = '127.0.0.1:25499'; // in this repository's test port range, never opened
  return url.replace(u.host, `${dead},${u.host}`) + '?target_session_attrs=read-write';
}

describe('the failover pool on PostgreSQL', async () => {
  if (!(await postgresReachable())) {
    it('needs PostgreSQL', (t) => {
      t.skip('no PostgreSQL at TEST_DATABASE_URL');
    });
    return;
  }
  const schema = `t_failover_pool_${process.pid}`;
  let db: Database;
  before(async () => {
    db = await openPostgres({ url: behindDeadHost(PG_URL), schema, maxConnections: 3 });
    await db.query('CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY)');
  });
  after(async () => {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  });

  /** Ends every server session of this test's pool, as a fast shutdown or a failover would. */
  async function terminateOurSessions(): Promise<number> {
    const other = await openPostgres({ url: PG_URL, maxConnections: 1 });
    try {
      const r = await other.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND query LIKE '%/*pool-under-test*/%'`,
      );
      return r.rows[0]?.n ?? 0;
    } finally {
      await other.close();
    }
  }

  it('skips a host that refuses connections and uses the next', async () => {
    const r = await db.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(r.rows[0]?.ok, 1);
  });

  it('replaces connections the server ended while idle, before the caller notices', async () => {
    // Mark this pool's sessions, leave them idle, and have the server end them.
    await Promise.all([1, 2, 3].map(() => db.query('SELECT 1 /*pool-under-test*/')));
    assert.ok((await terminateOurSessions()) > 0);
    for (let i = 1; i <= 3; i++)
      await db.transaction((tx) => tx.query('INSERT INTO notes VALUES ($1)', [i]));
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
    assert.equal(r.rows[0]?.n, 3);
  });

  it('a transaction cut mid-way fails as a connection loss and leaves nothing behind', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES (100) /*pool-under-test*/');
        // Another session ends this one (its last statement carries the mark).
        assert.ok((await terminateOurSessions()) >= 1);
        await tx.query('INSERT INTO notes VALUES (101)');
      }),
      (err: unknown) => isConnectionLoss(err),
    );
    const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE id >= 100');
    assert.equal(r.rows[0]?.n, 0);
  });

  it('LISTEN comes back after its session is ended, says so, and hears again', async () => {
    const channel = `t_listen_${process.pid}`;
    const heard: string[] = [];
    let resumed!: () => void;
    const back = new Promise<void>((resolve) => (resumed = resolve));
    let payload!: (p: string) => void;
    const got = new Promise<string>((resolve) => (payload = resolve));
    const stop = await db.listen!(
      channel,
      (p) => {
        heard.push(p);
        if (p === 'after') payload(p);
      },
      () => resumed(),
    );
    try {
      const other = await openPostgres({ url: PG_URL, maxConnections: 1 });
      try {
        const ended = await other.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE query = $1 AND pid <> pg_backend_pid()`,
          [`LISTEN ${channel}`],
        );
        assert.equal(ended.rows[0]?.n, 1);
        await back;
        await other.query(`SELECT pg_notify($1, 'after')`, [channel]);
        assert.equal(await got, 'after');
      } finally {
        await other.close();
      }
    } finally {
      await stop();
    }
  });
});
