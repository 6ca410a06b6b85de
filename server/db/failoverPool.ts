import pg from 'pg';
import { isConnectionLoss, NoWritableHostError } from './connectionLoss.ts';
import type { HostList } from './hostList.ts';

interface ActivePool {
  pool: pg.Pool;
  index: number;
}

/**
 * A node-postgres pool over a libpq-style host list: it connects to the first host that gives
 * the session `target_session_attrs` asks for, checks every new connection (a host that was the
 * primary may come back as a standby), and when a connection is lost it drops that pool and
 * searches the list again. A transaction cut by the loss is never retried here: only the caller
 * knows whether replaying it is safe (commands are, by their ids).
 */
export class FailoverPool {
  private active: ActivePool | null = null;
  private locating: Promise<ActivePool> | null = null;
  private readonly owner = new WeakMap<pg.PoolClient, ActivePool>();
  private readonly guarded = new WeakSet<pg.PoolClient>();
  private ended = false;

  constructor(
    private readonly hosts: HostList,
    /** Everything node-postgres takes except where to connect. */
    private readonly config: Omit<pg.PoolConfig, 'connectionString' | 'onConnect'>,
  ) {}

  /** `host:port` now in use, or null between a loss and the next connection. */
  get activeHost(): string | null {
    return this.active ? (this.hosts.labels[this.active.index] ?? null) : null;
  }

  /**
   * A client on a host that takes writes. Nothing has been sent on it yet, so a connection
   * found dead here is simply replaced, on another host if need be.
   */
  async connect(): Promise<pg.PoolClient> {
    for (let attempt = 1; ; attempt++) {
      const active = await this.use();
      try {
        const client = await active.pool.connect();
        // A checked-out client whose socket dies emits 'error' besides failing its query; with
        // no listener that would end the process. The query's own error is what callers see.
        if (!this.guarded.has(client)) {
          this.guarded.add(client);
          client.on('error', () => {});
        }
        this.owner.set(client, active);
        return client;
      } catch (err) {
        const superseded = active !== this.active;
        if ((!superseded && !isConnectionLoss(err)) || attempt >= 3) throw err;
        this.drop(active);
      }
    }
  }

  /**
   * Returns a client to its pool. `err` is what went wrong on it, if anything: after a lost
   * connection the client is destroyed and the host list searched again at the next connect.
   * `unusable` destroys it whatever the error (a session left in an unknown state).
   */
  release(client: pg.PoolClient, err?: unknown, unusable = false): void {
    const lost = err !== undefined && isConnectionLoss(err);
    client.release(lost || unusable ? new Error(`client dropped: ${String(err)}`) : undefined);
    const active = this.owner.get(client);
    this.owner.delete(client);
    if (lost && active) this.drop(active);
  }

  async end(): Promise<void> {
    this.ended = true;
    const pending = this.locating;
    if (pending) await pending.catch(() => null);
    const active = this.active;
    this.active = null;
    if (active) await active.pool.end();
  }

  private use(): Promise<ActivePool> {
    if (this.ended) return Promise.reject(new Error('the database pool is closed'));
    if (this.active) return Promise.resolve(this.active);
    // One search at a time: every request that finds the pool gone waits for the same answer.
    this.locating ??= this.locate().finally(() => {
      this.locating = null;
    });
    return this.locating;
  }

  private drop(active: ActivePool): void {
    if (this.active !== active) return;
    this.active = null;
    // Clients still checked out finish (or fail) on their own and are removed as released.
    active.pool.end().catch(() => {});
  }

  private async locate(): Promise<ActivePool> {
    const reasons: string[] = [];
    for (let index = 0; index < this.hosts.urls.length; index++) {
      const pool = new pg.Pool({
        ...this.config,
        connectionString: this.hosts.urls[index],
        Client: clientWithConnectTimeout(this.hosts.connectTimeoutMs),
        onConnect: (client) => checkSession(client, this.hosts.targetSessionAttrs),
      });
      // An idle client losing its connection must not crash the process; the pool replaces it.
      pool.on('error', () => {});
      try {
        // The first connection proves the host (and is kept for the next caller).
        (await pool.connect()).release();
      } catch (err) {
        reasons.push(`${this.hosts.labels[index]}: ${(err as Error).message}`);
        await pool.end().catch(() => {});
        continue;
      }
      const found = { pool, index };
      if (this.ended) {
        await pool.end();
        throw new Error('the database pool is closed');
      }
      this.active = found;
      return found;
    }
    throw new NoWritableHostError(this.hosts.labels, reasons);
  }
}

/**
 * A host that does not answer must not hold a failover up, so each connection attempt is
 * bounded. The bound is set on the client, not the pool: the pool's `connectionTimeoutMillis`
 * would also cut callers merely queued for a busy pool, which is load, not a dead host.
 */
function clientWithConnectTimeout(timeoutMs: number): new () => pg.Client {
  // node-postgres's pool constructs its Client with the pool's options.
  return class extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: timeoutMs });
    }
  };
}

/** What libpq checks for target_session_attrs, on every new connection. */
async function checkSession(
  client: pg.ClientBase,
  attrs: HostList['targetSessionAttrs'],
): Promise<void> {
  if (attrs === 'any') return;
  const r = await client.query<{ in_recovery: boolean; read_only: string }>(
    `SELECT pg_is_in_recovery() AS in_recovery, current_setting('transaction_read_only') AS read_only`,
  );
  const row = r.rows[0];
  const writable = row && !row.in_recovery && (attrs === 'primary' || row.read_only === 'off');
  if (!writable)
    throw Object.assign(
      new Error(
        row?.in_recovery ? 'the server is a standby (in recovery)' : 'the session is read-only',
      ),
      { code: '25006' },
    );
}
