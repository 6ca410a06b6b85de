import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { assertChannelName, assertSavepointName, assertSchemaName, parseInt8 } from './database.ts';
import type { Database, Queryable, QueryResult } from './database.ts';

const INT8_OID = 20;

/**
 * PGlite: PostgreSQL in WASM, one connection. Its transaction mutex serialises transactions,
 * which is what row locks would give on a single connection anyway. `dataDir` undefined means
 * in memory (tests); a path persists between runs (`npm run api`).
 */
export async function openPglite(opts: { dataDir?: string; schema?: string }): Promise<Database> {
  const schema = assertSchemaName(opts.schema ?? 'public');
  // PGlite creates only the last folder of the path; a fresh clone has no `.data/` yet.
  if (opts.dataDir !== undefined) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir, {
    parsers: { [INT8_OID]: (text: string) => parseInt8(text) },
  });
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);

  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await q.query<R>(sql, params as unknown[]);
      // PGlite reports affectedRows = 0 for a SELECT; rows counted are what a SELECT touched.
      return { rows: r.rows, rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
    },
  });
  const top = wrap(db);
  return {
    kind: 'pglite',
    schema,
    query: top.query,
    // In process, a round trip costs nothing: the savepoint is simply the first statement.
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, opts?: { savepoint?: string }) =>
      db.transaction(async (tx) => {
        if (opts?.savepoint) await tx.query(`SAVEPOINT ${assertSavepointName(opts.savepoint)}`);
        return fn(wrap(tx));
      }),
    // One process holds the embedded database, so its own LISTEN hears every NOTIFY.
    listen: (channel, onPayload) => db.listen(assertChannelName(channel), onPayload),
    close: () => db.close(),
  };
}
