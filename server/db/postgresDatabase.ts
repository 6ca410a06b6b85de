import { createHash } from 'node:crypto';
import pg from 'pg';
import { assertChannelName, assertSavepointName, assertSchemaName, parseInt8 } from './database.ts';
import type { Database, Queryable, QueryOptions, QueryResult } from './database.ts';
import { isConnectionLoss } from './connectionLoss.ts';
import { FailoverPool } from './failoverPool.ts';
import { parseHostList } from './hostList.ts';
import { startListenSession } from './listenSession.ts';

const INT8_OID = 20;

export interface PostgresOptions {
  /** A postgres:// URL; libpq's host lists and `target_session_attrs` work (hostList.ts). */
  url: string;
  schema?: string;
  maxConnections?: number;
  /**
   * PgBouncer in transaction pooling mode stands between us and PostgreSQL: consecutive
   * transactions may run on different server sessions, so nothing may live in a session (no
   * startup `options`, the schema's search_path set in each transaction).
   */
  transactionPooling?: boolean;
  /**
   * Where the LISTEN session goes (directly to PostgreSQL, never through a transaction pooler);
   * the same URL as `url` when not given. Required with `transactionPooling`.
   */
  listenUrl?: string;
}

const typeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID
    ? parseInt8
    : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser;

/**
 * Distinct statement texts prepared by name, per process. Past it a text runs unnamed: the write
 * path has a few dozen (docs/write-path-cost.md), so reaching this means a caller marked a text
 * that varies, which must not fill every connection with one-off statements.
 */
const MAX_PREPARED_TEXTS = 500;

/**
 * Names of prepared statements by their text: a digest, so one name never stands for two texts
 * on a connection (node-postgres refuses that) and every connection prepares a text under the
 * same name.
 */
function preparedNames(): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= MAX_PREPARED_TEXTS) return undefined;
      name = `w_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
}

/**
 * PostgreSQL through node-postgres, over one host or a failover host list. Every statement
 * runs in `schema` (search_path): set once per connection at startup, or per transaction under
 * a transaction pooler.
 */
export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const schema = assertSchemaName(opts.schema ?? 'public');
  const transactionPooling = opts.transactionPooling ?? false;
  if (transactionPooling && opts.listenUrl === undefined)
    throw new Error(
      'a transaction pooler cannot hold a LISTEN session: give the LISTEN URL (DATABASE_LISTEN_URL), directly to PostgreSQL',
    );
  // `public` is every session's default, so production sends no session settings at all.
  const perSession = schema !== 'public' && !transactionPooling;
  const perTransaction = schema !== 'public' && transactionPooling;
  const pool = new FailoverPool(parseHostList(opts.url), {
    max: opts.maxConnections ?? 10,
    ...(perSession ? { options: `-c search_path=${schema}` } : {}),
    types: { getTypeParser: typeParser },
  });
  const begin = perTransaction ? `BEGIN; SET LOCAL search_path TO ${schema}` : 'BEGIN';

  // A transaction pooler hands consecutive transactions to different server sessions, which do
  // not share prepared statements (PgBouncer ≥ 1.21 can, with max_prepared_statements; not
  // relied on).
  const nameOf = transactionPooling ? () => undefined : preparedNames();
  const run = async <R>(
    client: pg.PoolClient,
    sql: string,
    params?: unknown[],
    qopts?: QueryOptions,
  ): Promise<QueryResult<R>> => {
    const name = qopts?.prepared ? nameOf(sql) : undefined;
    const r =
      name === undefined
        ? await client.query(sql, params as unknown[])
        : await client.query({ name, text: sql, values: params as unknown[] });
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };

  /**
   * A client with a transaction open. A pooled connection that died while idle (the primary was
   * lost) fails at BEGIN, before anything of the caller's was sent: take another.
   */
  const begun = async (savepoint?: string): Promise<pg.PoolClient> => {
    const sql = savepoint ? `${begin}; SAVEPOINT ${assertSavepointName(savepoint)}` : begin;
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query(sql);
        return client;
      } catch (err) {
        pool.release(client, err);
        if (attempt >= 3 || !isConnectionLoss(err)) throw err;
      }
    }
  };

  const transaction = async <T>(
    fn: (tx: Queryable) => Promise<T>,
    opts?: { savepoint?: string },
  ): Promise<T> => {
    const client = await begun(opts?.savepoint);
    let failure: unknown;
    let unusable = false;
    try {
      const result = await fn({
        query: (sql, params, qopts) => run(client, sql, params, qopts),
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      failure = err;
      // A failed ROLLBACK leaves the session in an unknown state: destroy it on release.
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        failure = rollbackErr;
        unusable = true;
      });
      throw err;
    } finally {
      pool.release(client, failure, unusable);
    }
  };

  const query = async <R>(
    sql: string,
    params?: unknown[],
    qopts?: QueryOptions,
  ): Promise<QueryResult<R>> => {
    if (perTransaction) return transaction((tx) => tx.query<R>(sql, params));
    const client = await pool.connect();
    let failure: unknown;
    try {
      return await run<R>(client, sql, params, qopts);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      pool.release(client, failure);
    }
  };

  const db: Database = {
    kind: 'postgres',
    schema,
    query,
    transaction,
    async listen(channel, onPayload, onResume) {
      assertChannelName(channel);
      const listenPool = new FailoverPool(parseHostList(opts.listenUrl ?? opts.url), { max: 1 });
      return startListenSession(listenPool, channel, onPayload, onResume);
    },
    close: () => pool.end(),
  };
  if (schema !== 'public') await query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  return db;
}
