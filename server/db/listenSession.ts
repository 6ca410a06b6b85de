import type pg from 'pg';
import type { FailoverPool } from './failoverPool.ts';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/**
 * LISTEN on a session of its own (a pooled or PgBouncer-shared connection would hand the
 * subscription to whoever runs next). When the session is lost (a failover, a restart) it
 * connects again, to whichever host the pool now finds writable, and calls `onResume`: the
 * notifications sent in between are gone, so the caller treats everything as changed.
 */
export async function startListenSession(
  pool: FailoverPool,
  channel: string,
  onPayload: (payload: string) => void,
  onResume?: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.PoolClient | null = null;
  let retry: NodeJS.Timeout | null = null;
  let retryMs = FIRST_RETRY_MS;

  const attach = async (): Promise<void> => {
    const c = await pool.connect();
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      pool.release(c, err ?? new Error('Connection terminated'));
      if (!stopped) reconnectLater();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.channel === channel) onPayload(n.payload ?? '');
    });
    client = c;
    try {
      await c.query(`LISTEN ${channel}`);
      retryMs = FIRST_RETRY_MS;
    } catch (err) {
      lost(err);
    }
  };

  const reconnectLater = () => {
    retry = setTimeout(() => {
      retry = null;
      attach().then(
        () => {
          if (client) onResume?.();
        },
        () => {
          if (!stopped) reconnectLater();
        },
      );
    }, retryMs);
    retry.unref();
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  };

  await attach();
  if (!client) {
    stopped = true;
    if (retry) clearTimeout(retry);
    await pool.end();
    throw new Error(`could not LISTEN on ${channel}`);
  }
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client as pg.PoolClient | null;
    client = null;
    if (c) pool.release(c, new Error('Connection terminated: the listener stopped'));
    await pool.end();
  };
}
