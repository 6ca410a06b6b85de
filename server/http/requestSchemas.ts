import { z } from 'zod';
import { DeskError } from '../../shared/errors.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { isSafeText } from '../common/jsonSafety.ts';

/**
 * Request bodies as zod schemas: strict objects (an unknown key is an error, not ignored), safe
 * integer fen, bounded strings. The same schemas feed the OpenAPI document via toJSONSchema.
 */
export const fen = z
  .number()
  .refine(Number.isSafeInteger, 'must be a safe integer number of fen')
  .refine((v) => v > 0, 'must be positive');

/** Message of the refinement below; parseBody turns it into the `invalid_text` code. */
const UNSAFE_TEXT_MESSAGE = 'must not contain U+0000 or unpaired surrogates';
export const text = (max: number) => z.string().max(max).refine(isSafeText, UNSAFE_TEXT_MESSAGE);
export const id = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be 1–80 letters, digits, _ . -');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha-256');

export const loginBody = z.strictObject({ username: text(100), password: text(200) });

export const createOrderBody = z.strictObject({
  orderId: z.optional(id),
  merchantId: id,
  currency: z.literal('CNY'),
  amountFen: fen,
  goodsKind: z.enum(['express', 'surface', 'virtual']),
  item: z.strictObject({
    title: text(200),
    quantity: z
      .number()
      .refine(Number.isSafeInteger, 'must be an integer')
      .refine((v) => v > 0, 'must be positive'),
  }),
  /**
   * Who receives the parcel: { name, mobile, province, city, district, detail, postcode }.
   * Checked by shared/shipping/recipient.ts, whose refusals carry recipient_* codes.
   */
  recipient: z.optional(
    z
      .record(z.string(), z.unknown())
      .describe('name, mobile, province, city, district, detail, postcode'),
  ),
});

export const emptyBody = z.strictObject({});
export const shipBody = z.strictObject({ carrier: text(60), trackingNo: text(60) });
export const requestRefundBody = z.strictObject({
  refundId: z.optional(id),
  kind: z.enum(['refund_only', 'return_and_refund']),
  amountFen: fen,
  reason: text(2000),
  /** Photos of the problem: hashes of the buyer's uploads (/v1/evidence), images only. */
  photos: z.optional(z.array(sha256).max(20)),
});
export const refuseRefundBody = z.strictObject({
  reason: text(2000),
  /** Evidence for the refusal: hashes of the seller's uploads, images or PDF. */
  evidence: z.optional(z.array(sha256).max(20)),
});
export const resolveEscalationBody = z.strictObject({
  outcome: z.enum(['refund', 'close']),
  amountFen: z.optional(fen),
  note: text(2000),
});
export const fileClaimBody = z.strictObject({
  claimId: z.optional(id),
  amountFen: fen,
  reason: text(4000),
  evidence: z.array(sha256).max(20),
});
export const noteWithEvidenceBody = z.strictObject({
  note: text(4000),
  evidence: z.array(sha256).max(20),
});
export const decideClaimBody = z.strictObject({
  decision: z.enum(['approve', 'reject', 'request_info']),
  amountFen: z.optional(fen),
  reasonCode: text(60),
  note: text(4000),
});
export const secondApprovalBody = z.strictObject({ approve: z.boolean(), note: text(4000) });

export const bankNotificationBody = z.strictObject({
  notificationId: id,
  bank: id,
  orderId: id,
  bankRef: text(100),
  currency: z.literal('CNY'),
  amountFen: fen,
});

export const pathIds = z.strictObject({
  orderId: z.optional(id),
  refundId: z.optional(id),
  claimId: z.optional(id),
  sha256: z.optional(sha256),
});

/**
 * Parses or throws a DeskError with a stable code: problems with a money field (its name ends
 * in `Fen`) are `invalid_amount`, everything else `invalid_input`.
 */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const field = first?.path.at(-1);
  const code: ErrorCode =
    first?.message === UNSAFE_TEXT_MESSAGE
      ? 'invalid_text'
      : typeof field === 'string' && field.endsWith('Fen')
        ? 'invalid_amount'
        : 'invalid_input';
  const where = first?.path.length ? first.path.join('.') : 'body';
  throw new DeskError(code, `${where}: ${first?.message ?? 'invalid'}`);
}
