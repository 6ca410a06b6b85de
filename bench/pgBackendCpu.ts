import { readFileSync } from 'node:fs';
import type { Queryable } from '../server/db/database.ts';

const TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU time (µs) used so far by the PostgreSQL backends of the bench's database, read from
 * /proc: the database's share of a command's cost, which wall-clock figures on a shared
 * machine cannot show. Null where PostgreSQL is not on this machine or /proc is not readable.
 * Resolution is one clock tick (10 ms): use it over runs of seconds.
 */
export async function pgBackendCpuUs(db: Queryable): Promise<number | null> {
  const r = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  let ticks = 0;
  try {
    for (const { pid } of r.rows) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at state, field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    }
  } catch {
    return null;
  }
  return (ticks * 1e6) / TICKS_PER_S;
}
