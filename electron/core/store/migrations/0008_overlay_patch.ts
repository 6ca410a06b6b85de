/**
 * The overlay keeps what its replay changed, not a second copy of the order
 * (electron/core/sync/overlayPatch.ts): a ship rewrote a whole 800-byte state per order, and a
 * pull's rebase of 10,000 pending orders wrote 10 MB for what amounts to about 1.5 MB of
 * change. A stored full state is a valid patch (every key, on top of any confirmed state),
 * so the rows already here stay as they are.
 */
export const sql = `
ALTER TABLE sync_provisional_orders RENAME COLUMN state_json TO patch_json;
`;
