import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import type { Metrics } from '../observability/metrics.ts';

/** What every route needs, built once per server. */
export interface ServerContext {
  db: Database;
  clock: Clock;
  policy: EscrowPolicy;
  metrics: Metrics;
  /** Shared HMAC secrets per bank id, e.g. { icbc: "…" }. */
  bankSecrets: Readonly<Record<string, string>>;
  sessionTtlMs: number;
  /** Largest JSON body accepted. */
  bodyLimitBytes: number;
  /** Largest evidence file accepted. */
  maxEvidenceBytes: number;
}
