import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import { sha256Hex } from '../common/sha256.ts';
import { applyCommand } from '../escrow/applyCommand.ts';
import type { CommandOutcome } from '../escrow/commandOutcome.ts';

export interface BankNotification {
  notificationId: string;
  bank: string;
  orderId: string;
  bankRef: string;
  currency: 'CNY';
  amountFen: number;
}

/**
 * A verified notification becomes one `confirm_payment` command whose id is derived from the
 * bank and its notification id: a repeat of the same notification replays the first outcome
 * (credits once); the same notification id with a different body is `idempotency_conflict`.
 */
export async function receiveNotification(
  db: Database,
  n: BankNotification,
  rawBody: string,
  clock: Clock,
  policy?: EscrowPolicy,
): Promise<CommandOutcome> {
  const commandId = `bank:${n.bank}:${n.notificationId}`;
  return db.transaction(async (tx) => {
    const now = clock.now();
    await tx.query(
      `INSERT INTO bank_notifications (bank, notification_id, body_sha256, command_id, received_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [n.bank, n.notificationId, sha256Hex(rawBody), commandId, now],
    );
    return applyCommand(
      tx,
      {
        commandId,
        actor: { role: 'bank', userId: `bank:${n.bank}` },
        command: {
          type: 'confirm_payment',
          orderId: n.orderId,
          bank: n.bank,
          bankRef: n.bankRef,
          currency: n.currency,
          amountFen: n.amountFen,
        },
      },
      now,
      { policy },
    );
  });
}
