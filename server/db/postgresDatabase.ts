import pg from 'pg';
import { assertChannelName, assertSchemaName, parseInt8 } from './database.ts';
import type { Database, Queryable, QueryResult } from './database.ts';

const INT8_OID = 20;

/** node-postgres pool; every connection starts with `search_path` set to the chosen schema. */
export async function openPostgres(opts: {
  url: string;
  schema?: string;
  maxConnections?: number;
}): Promise<Database> {
  const schema = assertSchemaName(opts.schema ?? 'public');
  if (schema !== 'public') {
    // A throwaway client creates the schema before the pool's connections point at it.
    const setup = new pg.Client({ connectionString: opts.url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});

  const run = async <R>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: unknown[],
  ): Promise<QueryResult<R>> => {
    const r = await client.query(sql, params as unknown[]);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };

  return {
    kind: 'postgres',
    schema,
    query: (sql, params) => run(pool, sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params) => run(client, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      assertChannelName(channel);
      // A pooled connection would be handed to others between statements: LISTEN needs its
      // own. If it drops, the listener is gone and desks fall back to polling until restart.
      const client = new pg.Client({ connectionString: opts.url });
      client.on('error', () => {});
      client.on('notification', (n) => {
        if (n.channel === channel) onPayload(n.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    close: () => pool.end(),
  };
}
