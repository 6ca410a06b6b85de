import pg from 'pg';

/** True when PostgreSQL answers at `url` within 1.5 s: a bench without it says so and skips. */
export async function pgReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
