/**
 * What each overlaid order's lookup row shows (electron/core/replica/orderLookup.ts
 * lookupShown), kept beside its patch: a rebase that replays the queued actions of thousands of
 * orders compares it with what the new replay would show, and leaves the lookup row alone when
 * they agree, instead of reading every row back (a fifth of rebasing 10,000 queued ships). Null
 * (rows written before this migration) means unknown: the row is read as before. A later
 * migration that rewrites order_lookup must set it back to null.
 */
export const sql = `
ALTER TABLE sync_provisional_orders ADD COLUMN shown TEXT;
`;
