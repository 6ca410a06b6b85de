import { DAY_MS, HOUR_MS } from '../time.ts';
import type { GoodsKind } from './types.ts';

/**
 * Every timer and threshold of the escrow rules, as data. The defaults are DESIGN.md's; the
 * server may load others, and the rules only ever read them from here.
 */
export interface EscrowPolicy {
  unpaidCloseMs: number;
  /** Advisory only: shown as "ship by"; nothing moves money when it passes. */
  shipByMs: number;
  autoConfirmMs: Record<GoodsKind, number>;
  extensionMs: number;
  /** The buyer may extend only when this much time or less is left. */
  extensionWindowMs: number;
  refundAutoApproveUnshippedMs: number;
  refundAutoApproveShippedMs: number;
  returnShipWindowMs: number;
  returnConfirmWindowMs: number;
  escalationWindowMs: number;
  claimWindowMs: number;
  sellerEvidenceMs: number;
  infoRequestMs: number;
  /**
   * Maker-checker on cumulative exposure: an approval needs a second, different senior agent
   * when ALL compensation on the order (paid, pending, and this one) would exceed this.
   */
  secondApprovalThresholdFen: number;
  /**
   * …or when the buyer's compensation over the rolling window (claims filed within
   * `buyerWindowMs`, on any of their orders: paid plus pending plus this one) would exceed this.
   */
  buyerWindowThresholdFen: number;
  buyerWindowMs: number;
}

export const DEFAULT_POLICY: EscrowPolicy = {
  unpaidCloseMs: 72 * HOUR_MS,
  shipByMs: 72 * HOUR_MS,
  autoConfirmMs: { express: 10 * DAY_MS, surface: 30 * DAY_MS, virtual: 3 * DAY_MS },
  extensionMs: 3 * DAY_MS,
  extensionWindowMs: 3 * DAY_MS,
  refundAutoApproveUnshippedMs: 24 * HOUR_MS,
  refundAutoApproveShippedMs: 36 * HOUR_MS,
  returnShipWindowMs: 7 * DAY_MS,
  returnConfirmWindowMs: 5 * DAY_MS,
  escalationWindowMs: 5 * DAY_MS,
  claimWindowMs: 90 * DAY_MS,
  sellerEvidenceMs: 3 * DAY_MS,
  infoRequestMs: 3 * DAY_MS,
  secondApprovalThresholdFen: 500_000,
  buyerWindowThresholdFen: 500_000,
  buyerWindowMs: 30 * DAY_MS,
};
