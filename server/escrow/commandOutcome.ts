import type { ErrorInfo } from '../../shared/errors.ts';
import type { EscrowEvent } from '../../shared/escrow/types.ts';

/**
 * What applying one command came to. Stored as the command's idempotency result, so a retry
 * with the same id and payload gets exactly this back (with `replayed: true`).
 */
export type CommandOutcome =
  | {
      ok: true;
      commandId: string;
      orderId: string;
      /** The order's version after the command's events. */
      version: number;
      events: EscrowEvent[];
      ledgerTxnIds: string[];
      replayed: boolean;
    }
  | { ok: false; commandId: string; orderId: string | null; error: ErrorInfo; replayed: boolean };
