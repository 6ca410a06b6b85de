import { allowedCommands } from '../../shared/escrow/allowedCommands.ts';
import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import type {
  Actor,
  ClaimState,
  EscrowCommandType,
  EscrowEvent,
  OrderState,
} from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import type { Leg } from '../../shared/ledger/types.ts';
import type { Queryable } from '../db/database.ts';
import { readOrder } from '../escrow/orderRows.ts';
import type { AuditEntry } from './caseAudit.ts';
import { readCaseAudit } from './caseAudit.ts';
import type { Person } from './agentDirectory.ts';
import { readPeople } from './agentDirectory.ts';
import type { CaseMessage } from './caseMessages.ts';
import { readMessages } from './caseMessages.ts';
import type { CaseNote } from './caseNotes.ts';
import { readNotes } from './caseNotes.ts';
import type { CaseSummary } from './caseQueue.ts';
import { readCaseSummary } from './caseQueue.ts';
import type { CheckedEvidence } from './evidenceCheck.ts';
import { checkEvidence } from './evidenceCheck.ts';
import type { SellerHistory } from './sellerHistory.ts';
import { readSellerHistory } from './sellerHistory.ts';

export interface TimelineEntry {
  version: number;
  at: number;
  type: EscrowEvent['type'];
  commandId: string;
  actorId: string | null;
  event: EscrowEvent;
}

export interface PostedTxn {
  /** Its place in the journal: the shard's chain, the seq within it, and its chain hash. */
  shard: number;
  seq: number;
  hash: string;
  txnId: string;
  kind: string;
  at: number;
  commandId: string;
  legs: Leg[];
  /** True for the legs this claim caused (payout from escrow or fund, and the recovery). */
  forThisClaim: boolean;
}

export interface CaseDetail {
  summary: CaseSummary;
  order: OrderState;
  claim: ClaimState;
  timeline: TimelineEntry[];
  postings: PostedTxn[];
  evidence: { buyer: CheckedEvidence[]; seller: CheckedEvidence[] };
  sellerHistory: SellerHistory;
  notes: CaseNote[];
  /** Messages the desk sent the buyer or the seller (they read them; notes they never see). */
  messages: CaseMessage[];
  audit: AuditEntry[];
  /** Display names of everyone the case mentions, so the desk never shows a bare user id. */
  people: Person[];
  /** Compensation above this waits for a second, different senior agent. */
  secondApprovalThresholdFen: number;
  /** The claim commands the caller could issue now, per the shared rules. */
  allowed: EscrowCommandType[];
}

export async function readTimeline(db: Queryable, orderId: string): Promise<TimelineEntry[]> {
  const r = await db.query<{
    version: number;
    command_id: string;
    event: EscrowEvent;
    actor_user_id: string | null;
  }>(
    `SELECT e.version, e.command_id, e.event, c.actor_user_id
       FROM order_events e LEFT JOIN commands c ON c.command_id = e.command_id
      WHERE e.order_id = $1 ORDER BY e.version`,
    [orderId],
  );
  return r.rows.map((row) => ({
    version: Number(row.version),
    at: row.event.at,
    type: row.event.type,
    commandId: row.command_id,
    actorId: row.actor_user_id,
    event: row.event,
  }));
}

export async function readOrderPostings(
  db: Queryable,
  orderId: string,
  claimCommandIds: ReadonlySet<string>,
): Promise<PostedTxn[]> {
  const r = await db.query<{
    shard: number;
    seq: number;
    hash: string;
    txn_id: string;
    kind: string;
    at: number;
    command_id: string;
    account: string;
    amount_fen: number;
  }>(
    `SELECT t.shard, t.seq, t.hash, t.txn_id, t.kind, t.at, t.command_id, e.account,
            e.amount_fen
       FROM ledger_transactions t JOIN ledger_entries e ON e.txn_id = t.txn_id
      WHERE t.order_id = $1 ORDER BY t.shard, t.seq, e.leg_no`,
    [orderId],
  );
  const byTxn = new Map<string, PostedTxn>();
  for (const row of r.rows) {
    let txn = byTxn.get(row.txn_id);
    if (!txn) {
      txn = {
        shard: Number(row.shard),
        seq: Number(row.seq),
        hash: row.hash,
        txnId: row.txn_id,
        kind: row.kind,
        at: Number(row.at),
        commandId: row.command_id,
        legs: [],
        forThisClaim: claimCommandIds.has(row.command_id),
      };
      byTxn.set(row.txn_id, txn);
    }
    txn.legs.push({ account: row.account, amountFen: Number(row.amount_fen) });
  }
  return [...byTxn.values()];
}

/** Where the order and claim of a case are, or `claim_not_found`. */
export async function loadCase(
  db: Queryable,
  claimId: string,
): Promise<{ order: OrderState; claim: ClaimState }> {
  const r = await db.query<{ order_id: string }>(
    'SELECT order_id FROM dispute_cases WHERE claim_id = $1',
    [claimId],
  );
  const orderId = r.rows[0]?.order_id;
  const order = orderId ? await readOrder(db, orderId) : null;
  const claim = order?.claims.find((c) => c.claimId === claimId);
  if (!order || !claim) throw new DeskError('claim_not_found', `no claim ${claimId}`);
  return { order, claim };
}

/** Everything an agent needs to judge one case, read in the caller's (ideally one) snapshot. */
export async function readCaseDetail(
  db: Queryable,
  claimId: string,
  actor: Actor,
  now: number,
  policy: EscrowPolicy,
): Promise<CaseDetail> {
  const { order, claim } = await loadCase(db, claimId);
  const summary = await readCaseSummary(db, claimId, now, policy);
  if (!summary) throw new DeskError('claim_not_found', `no claim ${claimId}`);
  const audit = await readCaseAudit(db, claimId);
  const claimCommands = new Set(
    audit.map((a) => a.commandId).filter((id): id is string => id !== null),
  );
  const allowed = allowedCommands(actor, order, now, policy).filter((t) =>
    ['request_seller_evidence', 'decide_claim', 'second_approval'].includes(t),
  );
  // The rules let any senior agent reach `second_approval`; the maker is refused there, so the
  // desk does not offer it to them either.
  const maker = claim.pendingApproval?.agentId;
  const timeline = await readTimeline(db, order.orderId);
  const notes = await readNotes(db, claimId);
  const messages = await readMessages(db, [claimId]);
  const people = await readPeople(db, [
    ...audit.map((a) => a.actorId),
    ...timeline.flatMap((t) => (t.actorId ? [t.actorId] : [])),
    ...notes.map((n) => n.authorId),
    ...messages.map((m) => m.authorId),
    ...claim.decidedBy,
    ...(maker ? [maker] : []),
    ...(summary.assignee ? [summary.assignee] : []),
  ]);
  return {
    summary,
    order,
    claim,
    timeline,
    postings: await readOrderPostings(db, order.orderId, claimCommands),
    evidence: {
      buyer: await checkEvidence(db, claim.buyerEvidence),
      seller: await checkEvidence(db, claim.sellerEvidence),
    },
    sellerHistory: await readSellerHistory(db, order.merchantId),
    notes,
    messages,
    audit,
    people,
    secondApprovalThresholdFen: policy.secondApprovalThresholdFen,
    allowed: allowed.filter((t) => t !== 'second_approval' || maker !== actor.userId),
  };
}
