import type { FastifyInstance } from 'fastify';
import { DEFAULT_LOGIN_LIMITS, purgeStaleLoginFailures } from './auth/loginGuard.ts';
import type { LoginLimits } from './auth/loginGuard.ts';
import { purgeExpiredSessions } from './auth/sessions.ts';
import { BankKeyError, checkKeyring } from './bank/bankKeys.ts';
import { DEFAULT_EVIDENCE_QUOTA } from './evidence/evidenceStore.ts';
import type { EvidenceQuota } from './evidence/evidenceStore.ts';
import type { BankKeyring } from './bank/bankKeys.ts';
import type { EscrowPolicy } from '../shared/escrow/policy.ts';
import { DEFAULT_POLICY } from '../shared/escrow/policy.ts';
import { DEFAULT_TREASURY_POLICY } from './treasury/treasuryPolicy.ts';
import type { TreasuryPolicy } from './treasury/treasuryPolicy.ts';
import { HOUR_MS } from '../shared/time.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { Database } from './db/database.ts';
import { openDatabase } from './db/openDatabase.ts';
import { buildApp } from './http/app.ts';
import type { ServerContext } from './http/serverContext.ts';
import { Metrics } from './observability/metrics.ts';
import { auditMakerCheckerLimits } from './security/securityAudit.ts';
import { TimerScheduler } from './timers/timerScheduler.ts';

export interface StartOptions {
  /**
   * postgres:// URL; without one PGlite is used (in memory unless `dataDir` is given). A host
   * list with `target_session_attrs=read-write` follows a failover (server/db/hostList.ts).
   */
  databaseUrl?: string;
  /** PgBouncer in transaction pooling mode in front of the database (DATABASE_POOL_MODE). */
  databaseTransactionPooling?: boolean;
  /** Where LISTEN goes, directly to PostgreSQL (DATABASE_LISTEN_URL); defaults to databaseUrl. */
  databaseListenUrl?: string;
  /** Pooled connections to the database (DATABASE_MAX_CONNECTIONS). */
  databaseMaxConnections?: number;
  dataDir?: string;
  schema?: string;
  /** An already open database (tests share one between two server instances). */
  db?: Database;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clock?: Clock;
  policy?: Partial<EscrowPolicy>;
  /**
   * Required: the banks' notification keys. There is no default; `main.ts --demo` (and tests)
   * pass `randomBankKeyring()`.
   */
  bankSecrets?: BankKeyring;
  sessionTtlMs?: number;
  /** Login throttling and lockout; DEFAULT_LOGIN_LIMITS for anything not given. */
  loginLimits?: Partial<LoginLimits>;
  /** How often expired sessions are deleted; `false` leaves it to the caller (tests). */
  sessionPurgeIntervalMs?: number | false;
  bodyLimitBytes?: number;
  maxEvidenceBytes?: number;
  /** Open connections per client address; beyond it new ones are closed at once. */
  maxConnectionsPerAddress?: number;
  /** Bearer token for /metrics scrapers (METRICS_TOKEN); agents may use their session. */
  metricsToken?: string;
  /** Per-user evidence quotas; DEFAULT_EVIDENCE_QUOTA for anything not given. */
  evidenceQuota?: Partial<EvidenceQuota>;
  /** Withdrawal limits, cooling-off, payout bank, reconciliation timings (treasury). */
  treasuryPolicy?: Partial<TreasuryPolicy>;
  /** Poll interval for due timers; `false` leaves timers to the caller (tests). */
  timerIntervalMs?: number | false;
  logger?: boolean;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  close(): Promise<void>;
}

/** Opens the database (migrating it), builds the app, listens, and starts the timer poller. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  // No secret has a default: a missing or weak keyring stops the server before it opens anything.
  if (!opts.bankSecrets)
    throw new BankKeyError(
      'bank secrets are required: set BANK_SECRETS, or run with --demo for random ones',
    );
  const bankSecrets = checkKeyring(opts.bankSecrets);
  const ownsDb = !opts.db;
  const db =
    opts.db ??
    (await openDatabase({
      url: opts.databaseUrl,
      dataDir: opts.dataDir,
      schema: opts.schema,
      transactionPooling: opts.databaseTransactionPooling,
      listenUrl: opts.databaseListenUrl,
      maxConnections: opts.databaseMaxConnections,
    }));
  const ctx: ServerContext = {
    db,
    clock: opts.clock ?? systemClock,
    policy: { ...DEFAULT_POLICY, ...opts.policy },
    metrics: new Metrics(),
    bankSecrets,
    sessionTtlMs: opts.sessionTtlMs ?? 12 * HOUR_MS,
    loginLimits: { ...DEFAULT_LOGIN_LIMITS, ...opts.loginLimits },
    bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024,
    maxEvidenceBytes: opts.maxEvidenceBytes ?? 5 * 1024 * 1024,
    evidenceQuota: { ...DEFAULT_EVIDENCE_QUOTA, ...opts.evidenceQuota },
    treasuryPolicy: { ...DEFAULT_TREASURY_POLICY, ...opts.treasuryPolicy },
    ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
    ...(opts.maxConnectionsPerAddress
      ? { maxConnectionsPerAddress: opts.maxConnectionsPerAddress }
      : {}),
  };
  await auditMakerCheckerLimits(db, ctx.policy, ctx.clock.now());
  const app = await buildApp(ctx, { logger: opts.logger });
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host ?? '127.0.0.1';
  const scheduler =
    opts.timerIntervalMs === false
      ? null
      : new TimerScheduler(db, ctx.clock, opts.timerIntervalMs ?? 5000, {
          policy: ctx.policy,
          metrics: ctx.metrics,
          onError: (e) => app.log.error(e),
        });
  scheduler?.start();
  // Expired sessions are deleted now and then (they no longer authenticate either way), and
  // failed-login counts a day old that are not lockouts (loginGuard.ts).
  const purgeEvery =
    opts.sessionPurgeIntervalMs ?? (opts.timerIntervalMs === false ? false : 10 * 60_000);
  const purge = () =>
    Promise.all([
      purgeExpiredSessions(db, ctx.clock.now()),
      purgeStaleLoginFailures(db, ctx.clock.now()),
    ]).catch((e: unknown) => app.log.error(e));
  const purger = purgeEvery === false ? null : setInterval(purge, purgeEvery);
  purger?.unref();
  if (purger) await purge();
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    app,
    ctx,
    async close() {
      if (purger) clearInterval(purger);
      await scheduler?.stop();
      await app.close();
      if (ownsDb) await db.close();
    },
  };
}
