import { z } from 'zod';
import {
  countField,
  epochMsField,
  fenField,
  idField,
  plainText,
  signedFenField,
} from './fields.ts';
import { base64Field } from './disputeSchemas.ts';

/**
 * The treasury's contract shapes (issue 16): the central API's `/v1/treasury/*` answers
 * (server/treasury/), checked again on the desk side. Money is the server's: a withdrawal the
 * desk queued offline is shown as `queued` until the server has answered it.
 */
export const withdrawalStatusField = z.enum([
  'queued',
  'requested',
  'sent',
  'paid',
  'failed',
  'refused',
]);

export const withdrawalSchema = z.object({
  /** The request key the desk made before anything was sent: the server asks once per key. */
  requestKey: z.string(),
  withdrawalId: z.string().nullable(),
  amountFen: fenField,
  status: withdrawalStatusField,
  requestedAt: epochMsField,
  /** The bank's reason for a failed payout, or the server's for a refused request. */
  failureReason: z.string().nullable(),
  errorCode: z.string().nullable(),
  bankRef: z.string().nullable(),
  settledAt: epochMsField.nullable(),
});

export const payoutAccountSchema = z.object({
  version: z.number().int().min(1),
  accountName: z.string(),
  bankName: z.string(),
  accountNo: z.string(),
  masked: z.boolean(),
  enteredBy: z.string(),
  enteredAt: epochMsField,
  effectiveAt: epochMsField,
  state: z.enum(['active', 'cooling_off', 'superseded']),
});

export const exceptionKindField = z.enum([
  'unknown_line',
  'unsettled',
  'amount_mismatch',
  'reversal',
  'duplicate',
]);

export const reconExceptionSchema = z.object({
  exceptionId: z.string(),
  statementId: z.string(),
  kind: exceptionKindField,
  bankRef: z.string(),
  statementFen: signedFenField,
  ledgerFen: signedFenField,
  differenceFen: signedFenField,
  status: z.enum(['open', 'adjusting', 'resolved']),
  resolution: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: epochMsField,
  adjustment: z
    .object({
      adjustmentId: z.string(),
      status: z.enum(['pending', 'posted', 'refused']),
      makerId: z.string(),
      checkerId: z.string().nullable(),
      reason: z.string(),
    })
    .nullable(),
});

export const treasuryOverviewSchema = z.object({
  statements: z.array(
    z.object({
      statementId: z.string(),
      bank: z.string(),
      statementDate: z.string(),
      lines: countField,
      matched: countField,
      openExceptions: countField,
      closingFen: signedFenField,
    }),
  ),
  openExceptions: countField,
  adjustmentsWaiting: countField,
  withdrawals: z.object({ requested: countField, sent: countField, failedToday: countField }),
});

export const treasuryInputs = {
  payoutAccount: z.strictObject({
    accountName: plainText().trim().min(1).max(60),
    bankName: plainText().trim().min(1).max(60),
    accountNo: plainText().trim().min(8).max(40),
  }),
  withdraw: z.strictObject({
    requestKey: plainText().regex(/^[0-9a-f-]{36}$/, 'a UUID'),
    amountFen: fenField.min(1),
  }),
  exception: z.strictObject({ exceptionId: idField }),
  explain: z.strictObject({ exceptionId: idField, note: plainText().trim().min(1).max(2000) }),
  propose: z.strictObject({ exceptionId: idField, reason: plainText().trim().min(1).max(2000) }),
  decide: z.strictObject({
    exceptionId: idField,
    approve: z.boolean(),
    note: plainText().max(2000),
  }),
  importStatement: z.strictObject({
    bank: idField,
    format: z.enum(['camt053', 'csv']),
    base64: base64Field.min(1),
  }),
  report: z.strictObject({
    statementId: idField,
    format: z.enum(['pdf', 'csv']),
    lang: z.enum(['zh', 'en']),
  }),
};

export const reportFileSchema = z.object({ fileName: z.string(), base64: base64Field });

export const importedStatementSchema = z.object({
  statementId: z.string(),
  statementDate: z.string(),
  lineCount: countField,
  matched: countField,
  exceptions: countField,
  duplicate: z.boolean(),
});
