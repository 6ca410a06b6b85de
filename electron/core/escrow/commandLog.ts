import type { Db } from '../store/openDatabase.ts';

export interface CommandRecord {
  payloadHash: string;
  orderId: string;
  orderVersion: number;
  eventCount: number;
}

export interface CommandLog {
  find(commandId: string): CommandRecord | undefined;
  record(commandId: string, rec: CommandRecord, appliedAt: number): void;
}

/**
 * The idempotency record of accepted commands. The result itself is not copied here: it is the
 * command's events (the `eventCount` versions ending at `orderVersion`) and the order folded up
 * to `orderVersion`, both rebuilt from the append-only timeline.
 */
export function createCommandLog(db: Db): CommandLog {
  const select = db.prepare<
    [string],
    { payload_hash: string; order_id: string; order_version: number; event_count: number }
  >('SELECT payload_hash, order_id, order_version, event_count FROM commands WHERE command_id = ?');
  const insert = db.prepare(
    `INSERT INTO commands (command_id, payload_hash, order_id, order_version, event_count, applied_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  return {
    find(commandId) {
      const r = select.get(commandId);
      return (
        r && {
          payloadHash: r.payload_hash,
          orderId: r.order_id,
          orderVersion: r.order_version,
          eventCount: r.event_count,
        }
      );
    },
    record(commandId, rec, appliedAt) {
      insert.run(
        commandId,
        rec.payloadHash,
        rec.orderId,
        rec.orderVersion,
        rec.eventCount,
        appliedAt,
      );
    },
  };
}
