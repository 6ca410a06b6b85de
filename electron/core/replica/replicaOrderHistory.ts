import type { Currency } from '../../../shared/money.ts';
import type { Actor } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';

export interface ReplicaTimelineEntry {
  version: number;
  type: string;
  at: number;
  commandId: string;
  actor: { role: Actor['role']; userId: string };
  event: Record<string, unknown>;
}

export interface ReplicaPosting {
  seq: number;
  txnId: string;
  commandId: string;
  kind: string;
  at: number;
  currency: Currency;
  hash: string;
  legs: { account: string; amountFen: number }[];
  /** Set on a pending action's guessed effect; the server's journal rows have none. */
  provisional?: true;
}

export interface ReplicaOrderHistory {
  timeline(orderId: string): ReplicaTimelineEntry[];
  /** The server's journal rows of the order in seq order, then the pending ones' effects. */
  postings(orderId: string): ReplicaPosting[];
}

/**
 * An order's history as the replica knows it, in the shape the order detail shows: the
 * server's timeline and journal rows (confirmed, append-only) followed by the provisional legs
 * of this desk's pending mutations, which carry no seq or hash because the server has not
 * posted them yet.
 */
export function createReplicaOrderHistory(db: Db): ReplicaOrderHistory {
  const events = db.prepare<
    [string],
    {
      version: number;
      type: string;
      at: number;
      command_id: string;
      actor_role: Actor['role'];
      actor_user: string;
      event_json: string;
    }
  >(
    `SELECT version, type, at, command_id, actor_role, actor_user, event_json
       FROM sync_order_events WHERE order_id = ? ORDER BY version`,
  );
  const txns = db.prepare<
    [string],
    {
      seq: number;
      txn_id: string;
      command_id: string | null;
      kind: string;
      at: number;
      currency: Currency;
      hash: string;
      legs_json: string;
    }
  >(
    `SELECT seq, txn_id, command_id, kind, at, currency, hash, legs_json
       FROM sync_txns WHERE order_id = ? ORDER BY shard, seq`,
  );
  const pendingLegs = db.prepare<
    [string],
    {
      mutation_id: number;
      kind: string;
      at: number;
      currency: Currency;
      account: string;
      amount_fen: number;
      command_id: string | null;
    }
  >(
    `SELECT l.mutation_id, l.kind, l.at, l.currency, l.account, l.amount_fen, o.command_id
       FROM sync_provisional_legs l LEFT JOIN sync_outbox o ON o.mutation_id = l.mutation_id
      WHERE l.order_id = ? ORDER BY l.mutation_id, l.leg`,
  );
  return {
    timeline(orderId) {
      return events.all(orderId).map((r) => ({
        version: r.version,
        type: r.type,
        at: r.at,
        commandId: r.command_id,
        actor: { role: r.actor_role, userId: r.actor_user },
        event: JSON.parse(r.event_json) as Record<string, unknown>,
      }));
    },
    postings(orderId) {
      const out: ReplicaPosting[] = txns.all(orderId).map((r) => ({
        seq: r.seq,
        txnId: r.txn_id,
        // Rows replicated before the server sent command ids have none to show.
        commandId: r.command_id ?? '',
        kind: r.kind,
        at: r.at,
        currency: r.currency,
        hash: r.hash,
        legs: JSON.parse(r.legs_json) as { account: string; amountFen: number }[],
      }));
      // One pending mutation may post more than one transaction (one per event): its legs are
      // grouped by kind and time, the way the overlay derived them.
      const pending = new Map<string, ReplicaPosting>();
      for (const l of pendingLegs.all(orderId)) {
        const key = `${l.mutation_id}:${l.kind}:${l.at}`;
        let p = pending.get(key);
        if (!p) {
          p = {
            seq: 0,
            txnId: `provisional:${key}`,
            commandId: l.command_id ?? '',
            kind: l.kind,
            at: l.at,
            currency: l.currency,
            hash: '',
            legs: [],
            provisional: true,
          };
          pending.set(key, p);
        }
        p.legs.push({ account: l.account, amountFen: l.amount_fen });
      }
      return [...out, ...pending.values()];
    },
  };
}
