import { DeskError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { textProblem } from '../text.ts';

/**
 * Who receives a parcel, as a buyer gives it at order time and a merchant keeps its sender and
 * return addresses: a name, a mainland mobile number and a structured Chinese address. The
 * server validates it here; the desk shows it masked to seller staff (`maskRecipient`), whose
 * replica only ever receives the masked form from the server's pull.
 */
export interface Recipient {
  name: string;
  /** Mainland mobile number, 11 digits starting with 1. */
  mobile: string;
  province: string;
  city: string;
  district: string;
  /** Street, building, room. */
  detail: string;
  /** Six digits, or empty when the buyer did not give one. */
  postcode: string;
  /** Set on the masked form the server sends seller staff; the full form never carries it. */
  masked?: true;
}

export const RECIPIENT_FIELDS = [
  'name',
  'mobile',
  'province',
  'city',
  'district',
  'detail',
  'postcode',
] as const;

const MOBILE_RE = /^1[3-9]\d{9}$/;
const POSTCODE_RE = /^\d{6}$/;
/** Characters that have no place in a name or an address line (controls, line breaks). */
const CONTROL_RE = /[\p{Cc}\u2028\u2029]/u;

const BOUNDS: Record<Exclude<(typeof RECIPIENT_FIELDS)[number], 'mobile' | 'postcode'>, number> = {
  name: 30,
  province: 20,
  city: 20,
  district: 20,
  detail: 120,
};

const CODE_OF: Record<(typeof RECIPIENT_FIELDS)[number], ErrorCode> = {
  name: 'recipient_name_invalid',
  mobile: 'recipient_mobile_invalid',
  province: 'recipient_address_invalid',
  city: 'recipient_address_invalid',
  district: 'recipient_address_invalid',
  detail: 'recipient_address_invalid',
  postcode: 'recipient_postcode_invalid',
};

/**
 * The recipient with surrounding spaces trimmed (and spaces or dashes inside the mobile number
 * dropped, as people type them), or a DeskError with the first field's stable code.
 */
export function parseRecipient(value: unknown, what = 'recipient'): Recipient {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeskError('recipient_address_invalid', `${what} must be an object`);
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).find((k) => !(RECIPIENT_FIELDS as readonly string[]).includes(k));
  if (extra !== undefined)
    throw new DeskError('recipient_address_invalid', `${what}.${extra} is not a recipient field`);
  const out: Record<string, string> = {};
  for (const field of RECIPIENT_FIELDS) {
    const raw = v[field] ?? (field === 'postcode' ? '' : undefined);
    const code = CODE_OF[field];
    if (typeof raw !== 'string' || textProblem(raw) !== null || CONTROL_RE.test(raw))
      throw new DeskError(code, `${what}.${field} must be plain text`);
    const text = field === 'mobile' ? raw.replace(/[\s-]/g, '') : raw.trim();
    if (field === 'mobile') {
      if (!MOBILE_RE.test(text))
        throw new DeskError(code, `${what}.mobile must be an 11-digit mainland mobile number`);
    } else if (field === 'postcode') {
      if (text !== '' && !POSTCODE_RE.test(text))
        throw new DeskError(code, `${what}.postcode must be 6 digits`);
    } else {
      const max = BOUNDS[field];
      const min = field === 'detail' ? 2 : 1;
      const length = [...text].length;
      if (length < min || length > max)
        throw new DeskError(code, `${what}.${field} must be ${min}-${max} characters`);
    }
    out[field] = text;
  }
  return out as unknown as Recipient;
}

/** Characters of the address detail a masked recipient keeps (enough to tell parcels apart). */
const DETAIL_KEPT = 3;

/**
 * What seller staff may see: 张*, 138****5678, the detail cut to its first characters. The
 * province, city and district stay (they pick the carrier and the sorting centre).
 */
export function maskRecipient(r: Recipient): Recipient {
  if (r.masked) return r;
  const name = [...r.name];
  const detail = [...r.detail];
  return {
    name: `${name[0] ?? ''}${'*'.repeat(Math.max(1, name.length - 1))}`,
    mobile: `${r.mobile.slice(0, 3)}****${r.mobile.slice(-4)}`,
    province: r.province,
    city: r.city,
    district: r.district,
    detail: detail.length > DETAIL_KEPT ? `${detail.slice(0, DETAIL_KEPT).join('')}…` : r.detail,
    postcode: r.postcode,
    masked: true,
  };
}

/** One line for a label or a list: 浙江省 杭州市 西湖区 文三路 100 号. */
export function addressLine(r: Recipient): string {
  return [r.province, r.city, r.district, r.detail].filter((p) => p !== '').join(' ');
}
