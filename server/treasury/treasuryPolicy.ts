import { DAY_MS, HOUR_MS } from '../../shared/time.ts';

/**
 * The treasury's limits and timings (issue 16), configurable per server. Days are China
 * Standard Time days (UTC+8): a seller's "daily limit" resets at midnight in Beijing, where the
 * partner bank books.
 */
export interface TreasuryPolicy {
  /** Smallest withdrawal accepted. */
  minWithdrawalFen: number;
  /** Most a merchant may withdraw in one day (requests not failed). */
  dailyLimitFen: number;
  /** Most withdrawal requests a merchant may make in one day. */
  dailyCount: number;
  /** A payout account entered or changed takes effect this long after entry. */
  coolingOffMs: number;
  /** The partner bank payouts are sent through. */
  payoutBank: string;
  /**
   * How long a ledger movement may wait for its statement line before it is an exception
   * (`unsettled`); younger ones are items in transit.
   */
  settlementLagMs: number;
  /** How far a statement line's booking date may be from its ledger movement's time. */
  dateToleranceMs: number;
  /** Largest statement file accepted. */
  maxStatementBytes: number;
}

export const DEFAULT_TREASURY_POLICY: TreasuryPolicy = {
  minWithdrawalFen: 1_000,
  dailyLimitFen: 5_000_000,
  dailyCount: 5,
  coolingOffMs: 24 * HOUR_MS,
  payoutBank: 'icbc',
  settlementLagMs: DAY_MS,
  dateToleranceMs: 3 * DAY_MS,
  maxStatementBytes: 64 * 1024 * 1024,
};

const CST_OFFSET_MS = 8 * HOUR_MS;

/** The start of the China Standard Time day `at` falls in, as epoch ms. */
export function cstDayStart(at: number): number {
  return Math.floor((at + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

/** A CST calendar date (YYYY-MM-DD) as the epoch ms of its midnight in Beijing. */
export function cstDateStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS;
}

/** The CST calendar date of an epoch ms. */
export function cstDate(at: number): string {
  return new Date(at + CST_OFFSET_MS).toISOString().slice(0, 10);
}
