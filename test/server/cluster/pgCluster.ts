// PostgreSQL clusters of a test's own: the machine's PostgreSQL 15 binaries, a data folder under
// the test's temporary folder, a port of the test's, run as the `postgres` OS user (PostgreSQL
// refuses to run as root). Every wait here is on a state (pg_ctl -w, pg_isready,
// pg_stat_replication), never on a fixed time.
import { execFile } from 'node:child_process';
import { existsSync, appendFileSync, chownSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Why these tests cannot run here, or null when they can. */
export function clusterSkipReason(needs: { pgbouncer?: boolean } = {}): string | null {
  if (process.platform !== 'linux') return 'needs Linux (runuser, /proc)';
  if (process.getuid?.() !== 0) return 'needs root, to run PostgreSQL as the postgres user';
  for (const bin of ['initdb', 'pg_ctl', 'pg_basebackup', 'pg_isready'])
    if (!existsSync(`${PG_BIN}/${bin}`)) return `no ${PG_BIN}/${bin} (apt install postgresql-15)`;
  if (needs.pgbouncer && !existsSync(PGBOUNCER)) return `no ${PGBOUNCER} (apt install pgbouncer)`;
  try {
    return statSync('/usr/sbin/runuser').isFile() ? null : 'no runuser';
  } catch {
    return 'no /usr/sbin/runuser (util-linux)';
  }
}

/** Runs a program as the postgres OS user. */
export async function asPostgres(program: string, args: string[]): Promise<string> {
  const r = await run('runuser', ['-u', 'postgres', '--', program, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return r.stdout;
}

/** A folder the postgres user owns. */
export function postgresFolder(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const entry = /^postgres:[^:]*:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
  if (!entry) throw new Error('no postgres user in /etc/passwd');
  chownSync(path, Number(entry[1]), Number(entry[2]));
  return path;
}

export class PgCluster {
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /**
   * A new primary. `syncStandby` names the standby whose flush every commit waits for
   * (synchronous_commit=on), so a commit acknowledged to a client survives the primary's loss.
   * `fsync` is off: the tests kill processes, not the machine, and the page cache survives a
   * SIGKILL; what they prove is replication, and the shared disk is slow.
   */
  static async initPrimary(
    dir: string,
    port: number,
    opts: { syncStandby?: string; archiveDir?: string } = {},
  ): Promise<PgCluster> {
    postgresFolder(dir);
    await asPostgres(`${PG_BIN}/initdb`, [
      '-D',
      dir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const conf = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      'fsync = off',
      'shared_buffers = 32MB',
      'max_connections = 120',
      'synchronous_commit = on',
      `synchronous_standby_names = '${opts.syncStandby ?? ''}'`,
      ...(opts.archiveDir
        ? [
            'archive_mode = on',
            // Copy a finished WAL segment, never overwriting one already archived.
            `archive_command = 'test ! -f ${opts.archiveDir}/%f && cp %p ${opts.archiveDir}/%f'`,
          ]
        : []),
    ];
    appendFileSync(`${dir}/postgresql.conf`, `\n${conf.join('\n')}\n`);
    return new PgCluster(dir, port);
  }

  /**
   * A hot standby streaming from `primary` (pg_basebackup -R writes standby.signal and
   * primary_conninfo). Its own `synchronous_standby_names` is empty: once promoted it has no
   * standby, and commits must not wait for one that does not exist.
   */
  static async standbyOf(
    primary: PgCluster,
    dir: string,
    port: number,
    name: string,
  ): Promise<PgCluster> {
    await baseBackup(primary, dir, ['-R']);
    appendFileSync(
      `${dir}/postgresql.conf`,
      [
        '',
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        `cluster_name = '${name}'`,
        `synchronous_standby_names = ''`,
        'archive_mode = off',
        '',
      ].join('\n'),
    );
    return new PgCluster(dir, port);
  }

  /**
   * Point-in-time recovery: a copy of `backupDir` (a base backup) replays the archived WAL up to
   * `targetTime` and is promoted there (recovery.signal, restore_command, recovery_target_time).
   */
  static async restore(opts: {
    backupDir: string;
    dir: string;
    port: number;
    archiveDir: string;
    targetTime: string;
  }): Promise<PgCluster> {
    await asPostgres('cp', ['-a', opts.backupDir, opts.dir]);
    appendFileSync(
      `${opts.dir}/postgresql.conf`,
      [
        '',
        `port = ${opts.port}`,
        `unix_socket_directories = '${opts.dir}'`,
        'archive_mode = off',
        `synchronous_standby_names = ''`,
        `restore_command = 'cp ${opts.archiveDir}/%f %p'`,
        `recovery_target_time = '${opts.targetTime}'`,
        'recovery_target_action = promote',
        '',
      ].join('\n'),
    );
    appendFileSync(`${opts.dir}/recovery.signal`, '');
    return new PgCluster(opts.dir, opts.port);
  }

  /**
   * pg_ctl start -w. A cluster that does not come up fails with the end of its own log: the
   * test's folder is deleted afterwards, and pg_ctl says only "Examine the log output".
   */
  async start(): Promise<void> {
    const log = `${this.dir}/log`;
    try {
      await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.dir, '-l', log, '-w', 'start']);
    } catch (err) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '(no log)';
      throw new Error(`${(err as Error).message}\n--- ${log} ---\n${tail}`, { cause: err });
    }
  }

  /** A clean stop (used at the end of a test; tolerant of a cluster already gone). */
  async stop(): Promise<void> {
    if (!existsSync(`${this.dir}/postmaster.pid`)) return;
    await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.dir, '-m', 'immediate', '-w', 'stop']).catch(
      () => {},
    );
  }

  /** SIGKILL the postmaster and every backend: the machine is gone, mid-whatever. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(`${this.dir}/postmaster.pid`, 'utf8').split('\n')[0]);
    const children = await run('pgrep', ['-P', String(pid)]).then(
      (r) => r.stdout.split('\n').filter(Boolean).map(Number),
      () => [] as number[],
    );
    for (const p of [pid, ...children]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** pg_ctl promote -w: returns once the standby accepts writes. */
  async promote(): Promise<void> {
    await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.dir, '-w', 'promote']);
  }

  async query<R extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    const c = new pg.Client({ connectionString: this.url() });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as R[];
    } finally {
      await c.end();
    }
  }

  /** Waits until `name` streams from this primary as its synchronous standby. */
  async waitForSyncStandby(name: string, deadlineMs = 120_000): Promise<void> {
    await pollUntil(`standby ${name} streaming in sync`, deadlineMs, async () => {
      const rows = await this.query<{ state: string; sync_state: string }>(
        'SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1',
        [name],
      );
      return rows[0]?.state === 'streaming' && rows[0].sync_state === 'sync';
    });
  }
}

/** pg_basebackup of `primary` into `dir` (WAL streamed alongside, so the copy is consistent). */
export async function baseBackup(
  primary: PgCluster,
  dir: string,
  extra: string[] = [],
): Promise<void> {
  postgresFolder(dir);
  await asPostgres(`${PG_BIN}/pg_basebackup`, [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    dir,
    ...extra,
    '-X',
    'stream',
    '--checkpoint=fast',
    '--no-sync',
  ]);
}

/**
 * Checks `ready` until it holds: a state that has no event to wait on (a replication view, a
 * table), looked at every 50 ms, with a deadline that names what never happened.
 */
export async function pollUntil(
  what: string,
  deadlineMs: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await ready())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
