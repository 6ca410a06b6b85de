/**
 * One interface over node-postgres and PGlite, so the server runs the same SQL on a real
 * PostgreSQL cluster and on the embedded WASM build. Only what the server needs: parameterised
 * queries and a transaction that commits when the callback resolves and rolls back when it throws.
 */
export interface QueryResult<R> {
  rows: R[];
  /** Rows returned by a SELECT or touched by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

export interface QueryOptions {
  /**
   * The text is one of a small, fixed set that the write path sends over and over (issue 13):
   * PostgreSQL keeps it parsed, and after a few runs planned, per connection (a named prepared
   * statement) instead of parsing, analysing and planning it for every batch, which was a third
   * of its CPU per HTTP batch. The text must not embed values that vary (a row count, an id):
   * each distinct text is one more statement kept in every connection. Ignored where it cannot
   * help or would break: PGlite, and PostgreSQL behind a transaction pooler (a statement
   * prepared on one server session is unknown to the next).
   */
  prepared?: boolean;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    opts?: QueryOptions,
  ): Promise<QueryResult<R>>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** The schema every statement runs in (search_path). */
  readonly schema: string;
  /**
   * `savepoint`: a savepoint of that name taken right after BEGIN, in the same round trip (group
   * commit's batch transaction starts with applyBatch's savepoint).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: { savepoint?: string }): Promise<T>;
  /**
   * LISTENs on `channel` (a lowercase identifier) until the returned stop is called; `onPayload`
   * gets each NOTIFY's payload after its transaction commits. `onResume` is called when the
   * listening session was lost and is back (a failover): what was notified in between is gone.
   * Absent where a database cannot listen (the desk then relies on polling).
   */
  listen?(
    channel: string,
    onPayload: (payload: string) => void,
    onResume?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertChannelName(channel: string): string {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`bad channel name ${JSON.stringify(channel)}`);
  return channel;
}

/** PostgreSQL reports int8 as text; amounts and times are all safe integers, so read numbers. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new Error(`int8 value outside the safe integer range: ${text}`);
  return n;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A savepoint's name, checked: it is written into SQL. */
export function assertSavepointName(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new Error(`bad savepoint name ${JSON.stringify(name)}`);
  return name;
}

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${JSON.stringify(schema)}`);
  return schema;
}
