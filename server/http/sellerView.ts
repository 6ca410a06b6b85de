import type { Actor, OrderState } from '../../shared/escrow/types.ts';
import { isSeller } from './requestActor.ts';

/**
 * What seller roles may not see of an order: the platform's internal approval data. A claim
 * waiting for a second approval keeps its amount and time (the seller may know a payout is
 * pending), but the maker's agent id and note are blanked (the shapes stay valid for the desk).
 * Applied to HTTP reads and to sync pull (server/sync/pullChanges.ts) for merchant scopes.
 */
export function redactOrderForSeller(order: OrderState): OrderState {
  if (!order.claims.some((c) => c.pendingApproval)) return order;
  return {
    ...order,
    claims: order.claims.map((c) =>
      c.pendingApproval
        ? { ...c, pendingApproval: { ...c.pendingApproval, agentId: '', note: '' } }
        : c,
    ),
  };
}

/** The order as `actor` may read it: the seller's own note and flag are not the buyer's. */
export function orderFor(actor: Actor, order: OrderState): OrderState {
  if (isSeller(actor)) return redactOrderForSeller(order);
  if (actor.role === 'buyer' && (order.sellerNote !== undefined || order.flag !== undefined)) {
    const { sellerNote: _note, flag: _flag, ...rest } = order;
    return rest;
  }
  return order;
}

/** Event types that carry the maker's internal agent id and note. */
const INTERNAL_EVENTS = new Set(['claim_approval_requested', 'claim_second_approval_refused']);

/** An escrow event as a seller may read it (timelines): internal approval data blanked. */
export function redactEventForSeller<E extends { type: string }>(event: E): E {
  if (!INTERNAL_EVENTS.has(event.type)) return event;
  return { ...event, agentId: '', note: '' };
}

// Pull splices rows as PostgreSQL rendered them; only the rare rows that carry internal data
// are parsed and re-serialised. jsonb text puts a space after each colon.
const PENDING = /"pendingApproval":\s*\{/;
const INTERNAL_EVENT = /"type":\s*"claim_(approval_requested|second_approval_refused)"/;

/** `OrderState` JSON text, redacted for a seller. */
export function redactOrderJsonForSeller(text: string): string {
  if (!PENDING.test(text)) return text;
  return JSON.stringify(redactOrderForSeller(JSON.parse(text) as OrderState));
}

type Entry = { actor: { role: string; userId: string }; event: { type: string } };

/** The entry's event redacted, and the maker's id on it (who asked for the second approval). */
function redactEntry(entry: Entry): Entry {
  if (!INTERNAL_EVENTS.has(entry.event.type)) return entry;
  return {
    ...entry,
    actor: { ...entry.actor, userId: '' },
    event: redactEventForSeller(entry.event),
  };
}

/** A synced order-event entry's JSON text (`{orderId, …, event}`), redacted for a seller. */
export function redactEventEntryJsonForSeller(text: string): string {
  if (!INTERNAL_EVENT.test(text)) return text;
  return JSON.stringify(redactEntry(JSON.parse(text) as Entry));
}

/** A whole `{"kind":"order_event","entry":…}` change's JSON text, redacted for a seller. */
export function redactEventChangeJsonForSeller(text: string): string {
  if (!INTERNAL_EVENT.test(text)) return text;
  const change = JSON.parse(text) as { entry: Entry };
  return JSON.stringify({ ...change, entry: redactEntry(change.entry) });
}
