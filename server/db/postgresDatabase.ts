import pg from 'pg';
import { assertChannelName, assertSavepointName, assertSchemaName, parseInt8 } from './database.ts';
import type { Database, Queryable, QueryResult } from './database.ts';
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

  const run = async <R>(
    client: pg.PoolClient,
    sql: string,
    params?: unknown[],
  ): Promise<QueryResult<R>> => {
    const r = await client.query(sql, params as unknown[]);
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
      const result = await fn({ query: (sql, params) => run(client, sql, params) });
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

  const query = async <R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
    if (perTransaction) return transaction((tx) => tx.query<R>(sql, params));
    const client = await pool.connect();
    let failure: unknown;
    try {
      return await run<R>(client, sql, params);
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
