import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { CommandEnvelope } from '../../shared/escrow/types.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import { applyCommand } from './applyCommand.ts';
import type { CommandOutcome } from './commandOutcome.ts';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * One command in its own database transaction (what an HTTP route wants). A serialization
 * failure or deadlock is retried, with a fresh server time, since nothing was committed.
 */
export async function runCommand(
  db: Database,
  envelope: CommandEnvelope,
  clock: Clock,
  policy?: EscrowPolicy,
): Promise<CommandOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => applyCommand(tx, envelope, clock.now(), { policy }));
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (attempt >= 5 || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
    }
  }
}
