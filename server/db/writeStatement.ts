import type { Queryable } from './database.ts';

/**
 * Several writes sent to PostgreSQL as ONE statement of data-modifying CTEs (`WITH a AS
 * (INSERT …), b AS (UPDATE …) SELECT …`), so a batch's flush is one round trip instead of one
 * per table (issue 13: at the size of an HTTP batch the round trips were most of its time).
 *
 * What holds inside one statement, and what the writers rely on:
 * - every CTE runs to completion exactly once, whether or not the final SELECT reads it;
 * - all CTEs see the same snapshot: none sees another's rows except through `RETURNING` or a
 *   plain CTE they share (the writers pass data between them that way, never through a table);
 * - one row must not be modified twice in one statement (PostgreSQL would keep one change
 *   only), so each table's rows are written by one CTE (`shard_heads`: ledger head and change
 *   counter in one UPDATE, changeLog.ts);
 * - row triggers AFTER INSERT fire at the end of the statement and see all its rows.
 * A writer that learns from the outputs that something was refused (a taken guard row) throws
 * after the statement: its caller rolls back to a savepoint, as with separate statements.
 */
/**
 * A row count for `LIMIT` after `json(b)_to_recordset`: PostgreSQL guesses 100 rows for any
 * set-returning function without a row estimate, and for a batch of 8 joined to `commands` by
 * id it then hashed the whole table (a sequential scan per batch, growing with the table)
 * instead of 8 index probes. The LIMIT is the document's real length, so it cuts nothing.
 */
function rowsKnown(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row count: ${n}`);
  return n;
}

export class WriteStatement {
  private readonly ctes: string[] = [];
  private readonly params: unknown[] = [];
  private readonly outputs: string[] = [];

  /** The placeholder (`$n`) of a new parameter. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /**
   * `LIMIT $n` with the real row count of a batch document (rowsKnown), as a parameter so the
   * statement's text does not change with the batch's size: the text is prepared once per
   * connection (`run`). Custom plans see the value; a generic plan assumes a tenth of the
   * function's 100 guessed rows, which also picks index probes over hashing a whole table.
   */
  limit(n: number): string {
    return `LIMIT ${this.param(rowsKnown(n))}::bigint`;
  }

  /** Adds `name AS (sql)`; later CTEs may read it by name. */
  with(name: string, sql: string): void {
    this.ctes.push(`${name} AS (${sql})`);
  }

  /** Adds a column to the statement's one result row: an expression over the CTEs. */
  output(name: string, expr: string): void {
    this.outputs.push(`${expr} AS ${name}`);
  }

  get empty(): boolean {
    return this.ctes.length === 0;
  }

  /**
   * Sends the statement; its one row of outputs (empty when nothing was added). Prepared: its
   * text depends only on which CTEs a batch needs (a few dozen shapes), never on its size or
   * values, so each connection parses and plans each shape once (issue 13: parse, analysis and
   * planning were a third of PostgreSQL's CPU per HTTP batch).
   */
  async run(tx: Queryable): Promise<Record<string, unknown>> {
    if (this.ctes.length === 0) return {};
    const select = this.outputs.length > 0 ? this.outputs.join(', ') : '1 AS done';
    const r = await tx.query(`WITH ${this.ctes.join(',\n')}\nSELECT ${select}`, this.params, {
      prepared: true,
    });
    return r.rows[0] ?? {};
  }
}
