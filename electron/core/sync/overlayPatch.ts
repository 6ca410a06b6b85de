import type { OrderState } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';

/**
 * What the overlay stores of an order (`sync_provisional_orders.patch_json`): the top-level
 * fields its replay changed on top of the confirmed state it replayed from, not a copy of the
 * whole order. A rebase of 10,000 queued ships wrote 10 MB of copies before (most of its
 * time: serialising them, writing them, committing the pages); the patches are a fifth of that.
 *
 * A patch is only ever read on top of the confirmed state it was made from: every write of a
 * confirmed order (a pull) rebuilds that order's overlay in the same transaction. With no
 * confirmed state (never the case today) the patch is the whole order.
 */

/** A patch's list of the fields the replay removed (none of today's events removes one). */
const REMOVED = '~removed';

type Fields = Record<string, unknown>;

/**
 * The patch of `state` on top of `base`. Fields are compared by identity: `evolve` is pure and
 * copies only what an event changes, so an unchanged field is the very same value.
 */
export function overlayPatch(state: OrderState, base: OrderState | null): string {
  if (!base) return JSON.stringify(state);
  const next = state as unknown as Fields;
  const prev = base as unknown as Fields;
  const patch: Fields = {};
  for (const key in next) if (next[key] !== prev[key]) patch[key] = next[key];
  const removed = Object.keys(prev).filter((key) => !(key in next));
  if (removed.length > 0) patch[REMOVED] = removed;
  return JSON.stringify(patch);
}

/** The displayed state: the confirmed one with the overlay's patch on top. */
export function withOverlay(confirmed: OrderState | null, patchJson: string): OrderState {
  const { [REMOVED]: removed, ...patch } = JSON.parse(patchJson) as Fields;
  const shown: Fields = { ...confirmed, ...patch };
  if (Array.isArray(removed)) for (const key of removed) delete shown[key as string];
  return shown as unknown as OrderState;
}

/**
 * `displayed_state(confirmed_json, patch_json)` for the SQL readers that hand states to the
 * renderer (lists, search, escalations). Registered on every connection by openDatabase.
 */
export function registerOverlayFunctions(db: Db): void {
  db.function(
    'displayed_state',
    { deterministic: true },
    (confirmedJson: unknown, patchJson: unknown): string | null => {
      if (typeof patchJson !== 'string')
        return typeof confirmedJson === 'string' ? confirmedJson : null;
      const confirmed =
        typeof confirmedJson === 'string' ? (JSON.parse(confirmedJson) as OrderState) : null;
      return JSON.stringify(withOverlay(confirmed, patchJson));
    },
  );
}

/**
 * The SQL expression of an order's displayed state, given the aliases of its `sync_orders` row
 * (`s`) and its overlay row (`p`), both LEFT JOINed: orders without pending actions (nearly
 * all) never reach the JavaScript function.
 */
export function displayedStateSql(s: string, p: string): string {
  return `CASE WHEN ${p}.patch_json IS NULL THEN ${s}.state_json
          ELSE displayed_state(${s}.state_json, ${p}.patch_json) END`;
}
