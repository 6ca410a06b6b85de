// PgBouncer of a test's own, in transaction pooling mode, in front of one PostgreSQL database.
// Started in the foreground as a child (`-u postgres`: PgBouncer will not run as root) and
// ready once it accepts a connection.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PGBOUNCER, pollUntil, postgresFolder } from './pgCluster.ts';

export interface PgBouncer {
  /** URL of the pooled database, as the API would be given it. */
  url: string;
  /** Rows of an admin console command (`SHOW POOLS`, `SHOW STATS`, …). */
  admin<R>(command: string): Promise<R[]>;
  stop(): Promise<void>;
}

export async function startPgBouncer(opts: {
  dir: string;
  port: number;
  /** The database behind it (postgres://user@host:port/db). */
  target: string;
  alias: string;
  poolSize: number;
}): Promise<PgBouncer> {
  const dir = postgresFolder(opts.dir);
  const target = new URL(opts.target);
  const user = decodeURIComponent(target.username || 'postgres');
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `${opts.alias} = host=${target.hostname} port=${target.port || 5432} dbname=${target.pathname.slice(1)}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${opts.port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize}`,
      'max_client_conn = 1000',
      `admin_users = ${user}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      // No ignore_startup_parameters: a client that sends session settings at startup (the
      // `options` search_path of session mode) is refused, which is what this test checks.
      '',
    ].join('\n'),
  );
  const child = spawn(PGBOUNCER, ['-u', 'postgres', ini], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://${user}@127.0.0.1:${opts.port}/${opts.alias}`;
  const adminUrl = `postgres://${user}@127.0.0.1:${opts.port}/pgbouncer`;
  const admin = async <R>(command: string): Promise<R[]> => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return (await c.query(command)).rows as R[];
    } finally {
      await c.end();
    }
  };
  await pollUntil('PgBouncer accepting connections', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode})`);
    return admin('SHOW VERSION').then(
      () => true,
      () => false,
    );
  });
  return {
    url,
    admin,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
