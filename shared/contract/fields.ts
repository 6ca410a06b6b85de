import { z } from 'zod';
import { CURRENCIES, MAX_ORDER_FEN } from '../money.ts';
import { isTimeZone } from '../merchantTime.ts';
import { serverUrlProblem } from '../serverUrl.ts';
import { describeTextProblem, textProblem } from '../text.ts';

/**
 * Field schemas the desk contract is built from. Every string has a length cap and every amount
 * is a safe integer, so nothing a renderer sends can make the core allocate without bound or
 * do float arithmetic on money.
 */

/** Marks a refusal by the text rule, so `parseCall` answers `invalid_text`, not `invalid_input`. */
export const TEXT_ISSUE = { code: 'invalid_text' } as const;

/**
 * Every string the desk contract accepts starts here: no U+0000, no unpaired surrogate
 * (shared/text.ts). The check comes first, so it is the issue reported for such text.
 */
export function plainText() {
  return z.string().superRefine((text, ctx) => {
    const problem = textProblem(text);
    if (problem)
      ctx.addIssue({ code: 'custom', message: describeTextProblem(problem), params: TEXT_ISSUE });
  });
}

/** Ids that also appear inside ledger account names, so they share its segment rule. */
export const idField = plainText()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only');

export const uuidField = plainText().regex(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  'a UUID',
);

/** `z.number().int()` already refuses anything outside the safe integer range. */
export const fenField = z.number().int().min(0).max(MAX_ORDER_FEN);
/** Signed ledger balances (debits positive) may exceed one order's cap but stay safe integers. */
export const signedFenField = z.number().int();
export const epochMsField = z.number().int().min(0);
export const countField = z.number().int().min(0);

export const currencyField = z.enum(CURRENCIES);
export const shortText = plainText().max(200);
export const noteText = plainText().max(2000);
export const carrierField = plainText().trim().min(1).max(40);
export const trackingNoField = plainText().trim().min(1).max(40);

export const orderStatusField = z.enum([
  'awaiting_payment',
  'funds_held',
  'shipped',
  'completed',
  'closed_unpaid',
  'refunded',
  'partially_refunded',
]);
export const goodsKindField = z.enum(['express', 'surface', 'virtual']);
export const roleField = z.enum([
  'seller_staff',
  'seller_admin',
  'agent',
  'senior_agent',
  'buyer',
  'finance',
  'bank',
  'system',
]);
export const localeField = z.enum(['zh-CN', 'zh-TW', 'en']);
/** An IANA time zone this runtime knows, such as Asia/Shanghai (a merchant's books run on it). */
export const timeZoneField = plainText()
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, 'an IANA time zone name')
  .max(64)
  .refine(isTimeZone, 'a time zone this desk knows');

/** Only https servers, or plain http on loopback (shared/serverUrl.ts); the URL is parsed. */
export const serverUrlField = plainText()
  .max(2048)
  .superRefine((text, ctx) => {
    const problem = serverUrlProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
