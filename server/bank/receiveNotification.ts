import type { Queryable } from '../db/database.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { BatchSidecar, CommandQueue, QueuedOutcome } from '../escrow/commandQueue.ts';
import { derivedCommandId } from '../common/derivedCommandId.ts';

export interface BankNotification {
  notificationId: string;
  bank: string;
  orderId: string;
  bankRef: string;
  currency: 'CNY';
  amountFen: number;
}

interface NotificationReceipt {
  bank: string;
  notificationId: string;
  bodySha256: string;
  commandId: string;
  receivedAt: number;
}

/** Receipts of a batch's notifications, in its transaction, with one statement. */
const receipts: BatchSidecar = {
  async write(tx: Queryable, rows: unknown[]): Promise<void> {
    const r = rows as NotificationReceipt[];
    await tx.query(
      `INSERT INTO bank_notifications (bank, notification_id, body_sha256, command_id, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
       ON CONFLICT DO NOTHING`,
      [
        r.map((x) => x.bank),
        r.map((x) => x.notificationId),
        r.map((x) => x.bodySha256),
        r.map((x) => x.commandId),
        r.map((x) => x.receivedAt),
      ],
      { prepared: true },
    );
  },
};

/**
 * A verified notification becomes one `confirm_payment` command whose id is derived from the
 * bank and its notification id: a repeat of the same notification replays the first outcome
 * (credits once); the same notification id with a different body is `idempotency_conflict`.
 * It is group-committed with the other commands arriving at the same time, its receipt row in
 * the same transaction.
 */
export function receiveNotification(
  commands: CommandQueue,
  n: BankNotification,
  rawBody: string,
  receivedAt: number,
): Promise<QueuedOutcome> {
  const commandId = derivedCommandId('bank', n.bank, n.notificationId);
  const receipt: NotificationReceipt = {
    bank: n.bank,
    notificationId: n.notificationId,
    bodySha256: sha256Hex(rawBody),
    commandId,
    receivedAt,
  };
  return commands.submit(
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
    { kind: receipts, row: receipt },
  );
}
