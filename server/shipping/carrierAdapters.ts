import { trackingProblem } from '../../shared/shipping/carriers.ts';

/**
 * What the server needs from a carrier to issue its e-waybills (电子面单). Every adapter here
 * draws numbers from segments the platform loaded (`waybillSegments.ts`); a carrier whose
 * platform hands out numbers over an API (a cloud-print service) would get an adapter that
 * asks it instead, behind the same interface. The numbers an adapter makes always pass the
 * carrier's tracking check (shared/shipping/carriers.ts), so the desk ships with them as with
 * any typed number and the rules need nothing new.
 */
export interface CarrierAdapter {
  carrier: string;
  /** The largest serial the carrier's number format holds. */
  maxSerial: number;
  /** The waybill number of a serial in one of the carrier's segments. */
  waybillNo(serial: number): string;
}

/** Letters, then the serial zero-padded to `digits`. */
function prefixed(carrier: string, prefix: string, digits: number): CarrierAdapter {
  return {
    carrier,
    maxSerial: 10 ** digits - 1,
    waybillNo: (serial) => `${prefix}${String(serial).padStart(digits, '0')}`,
  };
}

/** UPU S10 (EMS): two letters, 8 serial digits, the check digit, CN. */
function s10(carrier: string, letters: string): CarrierAdapter {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  return {
    carrier,
    maxSerial: 99_999_999,
    waybillNo(serial) {
      const digits = String(serial).padStart(8, '0');
      const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
      const raw = 11 - (sum % 11);
      const check = raw === 10 ? 0 : raw === 11 ? 5 : raw;
      return `${letters}${digits}${check}CN`;
    },
  };
}

const ADAPTERS: readonly CarrierAdapter[] = [
  prefixed('sf', 'SF', 13),
  prefixed('zto', '7', 11),
  prefixed('yto', 'YT', 13),
  prefixed('sto', '77', 11),
  prefixed('yunda', '43', 11),
  prefixed('jd', 'JDVA', 11),
  s10('ems', 'EA'),
  s10('chinapost', 'KA'),
];

for (const a of ADAPTERS) {
  for (const serial of [0, a.maxSerial]) {
    if (trackingProblem(a.carrier, a.waybillNo(serial)) !== null)
      throw new Error(`carrier adapter ${a.carrier} makes numbers its own check refuses`);
  }
}

/** The e-waybill adapter of a carrier; undefined for carriers without e-waybills (digital). */
export function carrierAdapter(carrier: string): CarrierAdapter | undefined {
  return ADAPTERS.find((a) => a.carrier === carrier);
}

export const WAYBILL_CARRIERS: readonly string[] = ADAPTERS.map((a) => a.carrier);
