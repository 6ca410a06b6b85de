import type { StatementLine } from './statementTypes.ts';

/** A ledger transaction that moved `platform:bank:<bank>`, as the bank should show it. */
export interface ExpectedMovement {
  txnId: string;
  at: number;
  /** The bank leg, signed like a statement line: money in positive. */
  amountFen: number;
  /** The bank's reference the notification or payout result carried (else the txn id). */
  bankRef: string;
}

export type LineOutcome =
  | 'matched'
  | 'amount_mismatch'
  | 'unknown_line'
  | 'duplicate'
  | 'reversal'
  /** One leg of a payout the bank tried, failed and returned: nets to zero, nothing to do. */
  | 'failed_payout';

export type ExceptionKind =
  'unknown_line' | 'unsettled' | 'amount_mismatch' | 'reversal' | 'duplicate';

export interface FoundException {
  kind: ExceptionKind;
  lineNo: number | null;
  txnId: string | null;
  bankRef: string;
  /** What the statement shows (0 for a movement it lacks). */
  statementFen: number;
  /** What the ledger holds (0 for a line it does not know). */
  ledgerFen: number;
}

export interface MatchInput {
  lines: readonly StatementLine[];
  /** Ledger movements no earlier statement matched, up to the cut-off plus the date tolerance. */
  expected: readonly ExpectedMovement[];
  /** References earlier statements already matched (a repeat is a duplicate), with their sign. */
  matchedBefore: ReadonlyMap<string, number>;
  /** References of payouts the bank failed (their debit and return net out on the statement). */
  failedPayoutRefs: ReadonlySet<string>;
  cutOffAt: number;
  settlementLagMs: number;
  dateToleranceMs: number;
}

export interface MatchResult {
  outcomes: { lineNo: number; outcome: LineOutcome; txnId: string | null }[];
  matches: { txnId: string; lineNo: number }[];
  exceptions: FoundException[];
}

/**
 * Matches one statement's lines against the ledger's bank movements, by bank reference first,
 * then amount and date among movements sharing it. Pure and linear (one map by reference), so
 * 100,000 lines match in a fraction of a second; the database work is around it.
 *
 * Every difference becomes exactly one exception: a line with a reference the ledger does not
 * know; a second line for a reference already matched (duplicate); a reversal; a matched pair
 * whose amounts differ; and each ledger movement older than the settlement lag that no
 * statement shows (unsettled). Younger unmatched movements are items in transit, not exceptions.
 */
export function matchStatement(input: MatchInput): MatchResult {
  const byRef = new Map<string, ExpectedMovement[]>();
  for (const m of input.expected) {
    const list = byRef.get(m.bankRef);
    if (list) list.push(m);
    else byRef.set(m.bankRef, [m]);
  }
  const taken = new Set<string>();
  const matchedNow = new Map<string, number>();
  const outcomes: MatchResult['outcomes'] = [];
  const matches: MatchResult['matches'] = [];
  const exceptions: FoundException[] = [];

  // A failed payout's debit and return count only when they net to zero on this statement.
  const failedNet = new Map<string, number>();
  for (const l of input.lines)
    if (input.failedPayoutRefs.has(l.bankRef))
      failedNet.set(l.bankRef, (failedNet.get(l.bankRef) ?? 0) + l.amountFen);

  for (const line of input.lines) {
    const unknown = (
      kind: 'unknown_line' | 'duplicate' | 'reversal',
      txnId: string | null = null,
    ) => {
      outcomes.push({ lineNo: line.lineNo, outcome: kind, txnId });
      exceptions.push({
        kind,
        lineNo: line.lineNo,
        txnId,
        bankRef: line.bankRef,
        statementFen: line.amountFen,
        ledgerFen: 0,
      });
    };
    if (failedNet.get(line.bankRef) === 0) {
      outcomes.push({ lineNo: line.lineNo, outcome: 'failed_payout', txnId: null });
      continue;
    }
    const sign = Math.sign(line.amountFen);
    const candidates = (byRef.get(line.bankRef) ?? []).filter(
      (m) => !taken.has(m.txnId) && Math.sign(m.amountFen) === sign,
    );
    if (line.reversal) {
      const original = (byRef.get(line.bankRef) ?? [])[0];
      unknown('reversal', original?.txnId ?? null);
      continue;
    }
    if (candidates.length > 0) {
      const near = (m: ExpectedMovement) => Math.abs(m.at - line.bookedAt) <= input.dateToleranceMs;
      const best =
        candidates.find((m) => m.amountFen === line.amountFen && near(m)) ??
        candidates.find((m) => m.amountFen === line.amountFen) ??
        candidates.find(near) ??
        candidates[0];
      if (!best) continue;
      taken.add(best.txnId);
      matchedNow.set(line.bankRef, sign);
      matches.push({ txnId: best.txnId, lineNo: line.lineNo });
      if (best.amountFen === line.amountFen) {
        outcomes.push({ lineNo: line.lineNo, outcome: 'matched', txnId: best.txnId });
      } else {
        outcomes.push({ lineNo: line.lineNo, outcome: 'amount_mismatch', txnId: best.txnId });
        exceptions.push({
          kind: 'amount_mismatch',
          lineNo: line.lineNo,
          txnId: best.txnId,
          bankRef: line.bankRef,
          statementFen: line.amountFen,
          ledgerFen: best.amountFen,
        });
      }
      continue;
    }
    if (input.matchedBefore.get(line.bankRef) === sign || matchedNow.get(line.bankRef) === sign) {
      unknown('duplicate');
      continue;
    }
    unknown('unknown_line');
  }

  const settledBy = input.cutOffAt - input.settlementLagMs;
  for (const m of input.expected)
    if (!taken.has(m.txnId) && m.at <= settledBy)
      exceptions.push({
        kind: 'unsettled',
        lineNo: null,
        txnId: m.txnId,
        bankRef: m.bankRef,
        statementFen: 0,
        ledgerFen: m.amountFen,
      });
  return { outcomes, matches, exceptions };
}
