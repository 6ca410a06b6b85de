import type { LoginLimits } from '../auth/loginGuard.ts';
import { SessionLookups } from '../auth/sessionLookups.ts';
import type { BankKeyring } from '../bank/bankKeys.ts';
import type { EvidenceQuota } from '../evidence/evidenceStore.ts';
import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { CommandQueue } from '../escrow/commandQueue.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { TreasuryPolicy } from '../treasury/treasuryPolicy.ts';

/** What every route needs, built once per server. */
export interface ServerContext {
  db: Database;
  clock: Clock;
  policy: EscrowPolicy;
  metrics: Metrics;
  /** Active HMAC keys per bank id, each with its key id (bank/bankKeys.ts). */
  bankSecrets: BankKeyring;
  sessionTtlMs: number;
  /** Login throttling and lockout (auth/loginGuard.ts); defaults when absent. */
  loginLimits?: LoginLimits;
  /** Largest JSON body accepted. */
  bodyLimitBytes: number;
  /** Largest evidence file accepted. */
  maxEvidenceBytes: number;
  /** Open connections per client address (app.ts); DEFAULT_MAX_CONNECTIONS_PER_ADDRESS. */
  maxConnectionsPerAddress?: number;
  /** Bearer token a Prometheus scraper presents for /metrics (agents may use their session). */
  metricsToken?: string;
  /** Per-user evidence quotas (count, bytes); DEFAULT_EVIDENCE_QUOTA when absent. */
  evidenceQuota?: EvidenceQuota;
  /** Withdrawal limits and reconciliation timings; DEFAULT_TREASURY_POLICY when absent. */
  treasuryPolicy?: TreasuryPolicy;
  /** The process's group-commit queue for escrow commands; made on first use (commandsOf). */
  commands?: CommandQueue;
  /** The process's coalesced bearer-token lookups; made on first use (sessionsOf). */
  sessions?: SessionLookups;
}

/** The bearer-token lookups every authenticated route of this server goes through. */
export function sessionsOf(ctx: ServerContext): SessionLookups {
  ctx.sessions ??= new SessionLookups(ctx.db);
  return ctx.sessions;
}

/** The group-commit queue every HTTP command of this server goes through. */
export function commandsOf(ctx: ServerContext): CommandQueue {
  ctx.commands ??= new CommandQueue(ctx.db, ctx.clock, { policy: ctx.policy });
  return ctx.commands;
}
