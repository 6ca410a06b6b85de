import type { Actor, OrderState, Role } from '../../shared/escrow/types.ts';
import { maskRecipient } from '../../shared/shipping/recipient.ts';
import type { Recipient } from '../../shared/shipping/recipient.ts';
import { isSeller } from './requestActor.ts';

/**
 * Seller staff see a recipient masked (张*, 138****5678, the detail cut short); a seller admin
 * sees it in full, and so does the platform. The mask is applied here, on every way out of the
 * server (HTTP reads and command answers, sync pull), so a staff desk's replica never holds the
 * full value: the printed waybill gets it from the waybill route at print time.
 */
export const masksRecipients = (role: Role): boolean => role === 'seller_staff';

function withMaskedRecipient<T extends { recipient?: Recipient }>(value: T): T {
  return value.recipient ? { ...value, recipient: maskRecipient(value.recipient) } : value;
}

/**
 * What seller roles (and the buyer, orderFor) may not see of an order: the platform's internal
 * approval data. A claim waiting for a second approval keeps its amount and time (the seller
 * may know a payout is pending), but the maker's agent id and note are blanked (the shapes stay
 * valid for the desk). Applied to HTTP reads and to sync pull (server/sync/pullChanges.ts) for
 * merchant scopes.
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

/**
 * The order as `actor` may read it: the platform's internal approval data is neither the
 * seller's nor the buyer's, and the seller's own note and flag are not the buyer's.
 */
export function orderFor(actor: Actor, order: OrderState): OrderState {
  let seen = order;
  if (isSeller(actor)) seen = redactOrderForSeller(order);
  else if (actor.role === 'buyer') {
    seen = redactOrderForSeller(order);
    if (seen.sellerNote !== undefined || seen.flag !== undefined) {
      const { sellerNote: _note, flag: _flag, ...rest } = seen;
      seen = rest;
    }
  }
  return masksRecipients(actor.role) ? withMaskedRecipient(seen) : seen;
}

/** Event types that carry the maker's internal agent id and note. */
const INTERNAL_EVENTS = new Set(['claim_approval_requested', 'claim_second_approval_refused']);

/**
 * An escrow event as a seller may read it (timelines): internal approval data blanked, and with
 * `maskRecipient` the recipient `order_created` carries masked.
 */
export function redactEventForSeller<E extends { type: string }>(event: E, mask = false): E {
  if (mask && event.type === 'order_created')
    return withMaskedRecipient(event as E & { recipient?: Recipient });
  if (!INTERNAL_EVENTS.has(event.type)) return event;
  return { ...event, agentId: '', note: '' };
}

// Pull splices rows as PostgreSQL rendered them; only the rare rows that carry internal data
// are parsed and re-serialised. jsonb text puts a space after each colon.
const PENDING = /"pendingApproval"\s*:\s*\{/;
// Whitespace on either side of the colon: PostgreSQL's json_build_object writes `"k" : v` (the
// change log builds timeline entries with it), jsonb writes `"k": v`, JSON.stringify `"k":v`.
const INTERNAL_EVENT = /"type"\s*:\s*"claim_(approval_requested|second_approval_refused)"/;
const RECIPIENT = /"recipient"\s*:\s*\{/;

/** `OrderState` JSON text, redacted for a seller (recipient masked with `mask`). */
export function redactOrderJsonForSeller(text: string, mask = false): string {
  const masking = mask && RECIPIENT.test(text);
  if (!masking && !PENDING.test(text)) return text;
  const order = redactOrderForSeller(JSON.parse(text) as OrderState);
  return JSON.stringify(masking ? withMaskedRecipient(order) : order);
}

type Entry = { actor: { role: string; userId: string }; event: { type: string } };

/** The entry's event redacted, and the maker's id on it (who asked for the second approval). */
function redactEntry(entry: Entry, mask: boolean): Entry {
  if (!INTERNAL_EVENTS.has(entry.event.type))
    return mask ? { ...entry, event: redactEventForSeller(entry.event, true) } : entry;
  return {
    ...entry,
    actor: { ...entry.actor, userId: '' },
    event: redactEventForSeller(entry.event),
  };
}

/** Whether an event's JSON text needs redacting for this seller. */
const needsRedaction = (text: string, mask: boolean) =>
  INTERNAL_EVENT.test(text) || (mask && RECIPIENT.test(text));

/** A synced order-event entry's JSON text (`{orderId, …, event}`), redacted for a seller. */
export function redactEventEntryJsonForSeller(text: string, mask = false): string {
  if (!needsRedaction(text, mask)) return text;
  return JSON.stringify(redactEntry(JSON.parse(text) as Entry, mask));
}

/** A whole `{"kind":"order_event","entry":…}` change's JSON text, redacted for a seller. */
export function redactEventChangeJsonForSeller(text: string, mask = false): string {
  if (!needsRedaction(text, mask)) return text;
  const change = JSON.parse(text) as { entry: Entry };
  return JSON.stringify({ ...change, entry: redactEntry(change.entry, mask) });
}
