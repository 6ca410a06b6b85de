/**
 * The carriers a seller can ship with and the shape of each one's tracking numbers. Lives in
 * shared/ so the desk core refuses a malformed number exactly as the ship form and the CSV
 * preview flag it. Patterns describe what the carriers publish; UPU S10 numbers (EMS, China
 * Post) also carry a check digit, which catches most single-digit typos.
 */
export interface Carrier {
  /** Stored on the shipment as `carrier`. */
  id: string;
  /** Which goods the carrier is offered for first (the form still accepts any). */
  goods: 'parcel' | 'virtual';
  pattern: RegExp;
  /** An example number, shown as the input's placeholder. */
  example: string;
  /** Extra check beyond the pattern (a check digit). */
  check?: (trackingNo: string) => boolean;
}

/** UPU S10: 2 letters, 8 serial digits, 1 check digit (weights 8 6 4 2 3 5 9 7), country. */
export function s10CheckDigitOk(trackingNo: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(trackingNo);
  if (!m) return false;
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...m[1]!].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  const raw = 11 - (sum % 11);
  const expected = raw === 10 ? 0 : raw === 11 ? 5 : raw;
  return Number(m[2]) === expected;
}

export const CARRIERS: readonly Carrier[] = [
  { id: 'sf', goods: 'parcel', pattern: /^SF\d{12,13}$/, example: 'SF1234567890123' },
  { id: 'zto', goods: 'parcel', pattern: /^(7|5|6)\d{11}$|^\d{14}$/, example: '731234567890' },
  { id: 'yto', goods: 'parcel', pattern: /^YT\d{13}$/, example: 'YT1234567890123' },
  { id: 'sto', goods: 'parcel', pattern: /^(77|88|66|55)\d{11}$/, example: '7712345678901' },
  { id: 'yunda', goods: 'parcel', pattern: /^(\d{13}|\d{15})$/, example: '4312345678901' },
  { id: 'jd', goods: 'parcel', pattern: /^JD[A-Z]{2}\d{11}$/, example: 'JDVA12345678901' },
  {
    id: 'ems',
    goods: 'parcel',
    pattern: /^E[A-Z]\d{9}CN$/,
    example: 'EA123456785CN',
    check: s10CheckDigitOk,
  },
  {
    id: 'chinapost',
    goods: 'parcel',
    pattern: /^[A-Z]{2}\d{9}CN$/,
    example: 'RR123456785CN',
    check: s10CheckDigitOk,
  },
  // Virtual goods are "shipped" by sending a code; the number is the delivery reference.
  { id: 'digital', goods: 'virtual', pattern: /^[A-Z0-9-]{4,40}$/, example: 'CARD-2026-0001' },
];

export const CARRIER_IDS: readonly string[] = CARRIERS.map((c) => c.id);

export function carrierById(id: string): Carrier | undefined {
  return CARRIERS.find((c) => c.id === id);
}

/** What people type or paste: surrounding spaces and inner spaces dropped, letters upper-cased. */
export function normalizeTrackingNo(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

export type TrackingProblem = 'unknown_carrier' | 'tracking_format' | 'tracking_check_digit';

/** Null when the number fits the carrier; otherwise why not. Expects a normalised number. */
export function trackingProblem(carrierId: string, trackingNo: string): TrackingProblem | null {
  const carrier = carrierById(carrierId);
  if (!carrier) return 'unknown_carrier';
  if (!carrier.pattern.test(trackingNo)) return 'tracking_format';
  if (carrier.check && !carrier.check(trackingNo)) return 'tracking_check_digit';
  return null;
}
