import { nextTimerAt } from '../../shared/escrow/deadlines.ts';
import { decide } from '../../shared/escrow/decide.ts';
import { evolve } from '../../shared/escrow/evolve.ts';
import type { EscrowPolicy } from '../../shared/escrow/policy.ts';
import { DEFAULT_POLICY } from '../../shared/escrow/policy.ts';
import type {
  CommandEnvelope,
  DecisionExposure,
  EscrowEvent,
  EvidenceRef,
  OrderState,
} from '../../shared/escrow/types.ts';
import { DeskError, isDeskError } from '../../shared/errors.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { account, normalBalance } from '../../shared/ledger/accounts.ts';
import { postingFor, recoveryLegs } from '../../shared/ledger/postings.ts';
import type { PostingRequest } from '../../shared/ledger/types.ts';
import { MINUTE_MS } from '../../shared/time.ts';
import { canonicalJson } from '../../shared/ledger/canonicalJson.ts';
import { isCommandId } from '../../shared/ledger/commandIds.ts';
import { dataErrorMessage, findJsonProblem, isDataError } from '../common/jsonSafety.ts';
import { sha256Hex } from '../common/sha256.ts';
import type { Queryable } from '../db/database.ts';
import { canSeeOrder } from '../http/orderVisibility.ts';
import { signedBalance } from '../ledger/balances.ts';
import { postAndLog } from '../ledger/postAndLog.ts';
import { forgetChangeLogLock, logOrderChanges } from './changeLog.ts';
import type { CommandOutcome } from './commandOutcome.ts';
import { insertOrder, lockOrder, updateOrder } from './orderRows.ts';

export interface ApplyOptions {
  policy?: EscrowPolicy;
}

/**
 * Applies one command with the shared rules inside the CALLER's database transaction, so HTTP
 * routes, the timer scheduler and sync push (which must record `lastMutationId` and its
 * `sync_results` row in the same transaction) all share it. `now` is server time.
 *
 * - Idempotency: the `commands` row (command_id primary key) is claimed first. The same id with
 *   the same actor and command returns the stored outcome (`replayed: true`); a different
 *   payload under that id is `idempotency_conflict` and writes nothing.
 * - The order row is locked FOR UPDATE before the rules run, so two commands on one order are
 *   decided one after the other against committed state: two conflicting ones never both win.
 * - A rejection (any DeskError, from the rules or from the ledger's guards and floors) rolls
 *   back to a savepoint, so none of its partial effects survive, and is stored as the outcome:
 *   it consumes the command id like an applied command does.
 * - Effects: order row + `order_events`, ledger transactions (with guard rows and the hash
 *   chain), and `changes` rows (`order`, `ledger_txn`) for sync pull. Sync push records its
 *   mutation result next to these, in the same transaction, after this returns.
 * Anything that is not a DeskError (database failure) propagates and aborts the transaction.
 */
export async function applyCommand(
  tx: Queryable,
  envelope: CommandEnvelope,
  now: number,
  opts: ApplyOptions = {},
): Promise<CommandOutcome> {
  const { commandId, actor, command } = envelope;
  const orderId =
    typeof command === 'object' && command !== null && typeof command.orderId === 'string'
      ? command.orderId
      : null;
  if (typeof commandId !== 'string' || !isCommandId(commandId)) {
    return rejected(commandId, orderId, { code: 'invalid_input', message: 'bad command id' });
  }
  if (!Number.isSafeInteger(now)) throw new Error('now must be epoch milliseconds');
  // Bounded before anything recursive (canonical JSON, jsonb) sees it, and before the command
  // id is claimed: text the database cannot hold, or nesting that would overflow the stack, is
  // a permanent rejection of this command, never a failure of the transaction around it.
  const problem = findJsonProblem({ actor, command });
  if (problem) return rejected(commandId, orderId, problem);
  const payloadHash = sha256Hex(canonicalJson({ actor, command }));
  const claim = await tx.query(
    `INSERT INTO commands (command_id, payload_sha256, actor_user_id, command_type, order_id,
                           created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [
      commandId,
      payloadHash,
      String(actor?.userId ?? ''),
      String(command?.type ?? ''),
      orderId,
      now,
    ],
  );
  if (claim.rowCount === 0) {
    const prior = await tx.query<{ payload_sha256: string; result: CommandOutcome | null }>(
      'SELECT payload_sha256, result FROM commands WHERE command_id = $1',
      [commandId],
    );
    const row = prior.rows[0];
    if (!row || row.payload_sha256 !== payloadHash || !row.result) {
      return rejected(commandId, orderId, {
        code: 'idempotency_conflict',
        message: 'this command id was already used for a different command',
      });
    }
    return { ...row.result, replayed: true };
  }

  await tx.query('SAVEPOINT apply_command');
  let outcome: CommandOutcome;
  try {
    outcome = await applyFresh(tx, envelope, orderId, now, opts.policy ?? DEFAULT_POLICY);
    await tx.query('RELEASE SAVEPOINT apply_command');
  } catch (err) {
    const info = rejectionOf(err);
    if (!info) throw err;
    await tx.query('ROLLBACK TO SAVEPOINT apply_command');
    forgetChangeLogLock(tx);
    outcome = rejected(commandId, orderId, info);
  }
  await tx.query('UPDATE commands SET result = $2 WHERE command_id = $1', [
    commandId,
    JSON.stringify(outcome),
  ]);
  return outcome;
}

function rejected(commandId: string, orderId: string | null, error: ErrorInfo): CommandOutcome {
  return { ok: false, commandId, orderId, error, replayed: false };
}

/**
 * DeskErrors, and the balance CHECK constraint as a last line of defence, become rejections;
 * so does any other refusal of the data itself (SQLSTATE class 22, 23, 54, or a RangeError):
 * the same command would fail the same way on every retry, so it is rejected for good
 * (`invalid_data`) instead of failing the transaction around it, which for sync push would
 * stall the desk's queue behind it.
 */
function rejectionOf(err: unknown): ErrorInfo | null {
  if (isDeskError(err)) return err.toJSON();
  const pgCode = (err as { code?: unknown } | null)?.code;
  if (pgCode === '23514')
    return { code: 'insufficient_funds', message: 'a balance would cross its floor' };
  if (isDataError(err)) return { code: 'invalid_data', message: dataErrorMessage(err) };
  return null;
}

async function applyFresh(
  tx: Queryable,
  envelope: CommandEnvelope,
  orderId: string | null,
  now: number,
  policy: EscrowPolicy,
): Promise<CommandOutcome> {
  const { commandId, actor, command } = envelope;
  if (orderId === null) throw new DeskError('invalid_input', 'the command names no order');
  const before = await lockOrder(tx, orderId);
  // A seller's or buyer's command on someone else's order is refused exactly as one on a
  // missing order: the answer must not confirm that the order exists.
  if (
    before &&
    command.type !== 'create_order' &&
    (actor.role === 'buyer' || actor.role === 'seller_staff' || actor.role === 'seller_admin') &&
    !canSeeOrder(actor, before)
  )
    throw new DeskError('order_not_found', `no order ${orderId}`);
  const exposure =
    command.type === 'decide_claim' && command.decision === 'approve' && before
      ? await buyerExposure(tx, before, now, policy)
      : undefined;
  const decision = decide(
    before,
    command,
    { now, actor, ...(exposure ? { exposure } : {}) },
    policy,
  );
  if (!decision.ok) throw new DeskError(decision.error.code, decision.error.message);
  const events = decision.events;

  if (command.type === 'create_order') await checkMerchant(tx, command.merchantId, command.feeBps);
  await checkEvidenceOwnership(tx, actor.userId, events);

  let state: OrderState | null = before;
  const ledgerTxnIds: string[] = [];
  for (const event of events) {
    if (state) {
      const posting = postingFor(event, state, { txnId: uuidv7(now), commandId });
      if (posting) {
        await post(tx, posting, state, commandId, now);
        ledgerTxnIds.push(posting.txnId);
      }
      if (event.type === 'compensation_paid') {
        const recoveryId = await recover(tx, state, event.amountFen, commandId, now);
        if (recoveryId) ledgerTxnIds.push(recoveryId);
      }
    }
    state = evolve(state, event);
  }
  if (!state) throw new DeskError('order_not_found', `no order ${orderId}`);

  let due = nextTimerAt(state, policy);
  // A timer run that changed nothing must not leave the order due, or the scheduler would spin
  // on it; look again in a minute.
  if (events.length === 0 && due !== null && due <= now) due = now + MINUTE_MS;
  if (!before) {
    if (!(await insertOrder(tx, state, due, now)))
      throw new DeskError('order_exists', `order ${orderId} already exists`);
  } else {
    await updateOrder(tx, state, due, now);
  }
  if (events.length > 0) {
    const firstVersion = state.version - events.length + 1;
    const params: unknown[] = [orderId, commandId];
    const rows = events.map((event, i) => {
      params.push(firstVersion + i, JSON.stringify(event));
      return `($1, $${params.length - 1}, $2, $${params.length})`;
    });
    await tx.query(
      `INSERT INTO order_events (order_id, version, command_id, event) VALUES ${rows.join(', ')}`,
      params,
    );
    const entries = events.map((event, i) => ({
      orderId,
      version: firstVersion + i,
      type: event.type,
      at: event.at,
      commandId,
      actor: { role: actor.role, userId: actor.userId },
      event,
    }));
    await logOrderChanges(tx, state, entries, commandId, now);
  }
  return {
    ok: true,
    commandId,
    orderId,
    version: state.version,
    events,
    ledgerTxnIds,
    replayed: false,
  };
}

/**
 * The buyer's compensation on their other orders within the policy's rolling window (claims
 * filed since now - buyerWindowMs: paid plus pending second approval), for the maker-checker
 * rule (claimRules.ts `secondApprovalReason`). A transaction-scoped advisory lock per buyer
 * makes two approvals for one buyer on different orders decide one after the other, so both
 * cannot pass the window's limit on a stale sum.
 */
async function buyerExposure(
  tx: Queryable,
  order: OrderState,
  now: number,
  policy: EscrowPolicy,
): Promise<DecisionExposure> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`buyer-exposure:${order.buyerId}`]);
  const r = await tx.query<{ fen: string | number | null }>(
    `SELECT coalesce(sum((c->>'paidFen')::bigint
                         + coalesce((c->'pendingApproval'->>'amountFen')::bigint, 0)), 0) AS fen
       FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.state->'claims') AS c
      WHERE o.buyer_id = $1 AND o.order_id <> $2 AND (c->>'filedAt')::bigint >= $3`,
    [order.buyerId, order.orderId, now - policy.buyerWindowMs],
  );
  return { buyerWindowFen: Number(r.rows[0]?.fen ?? 0) };
}

async function post(
  tx: Queryable,
  posting: PostingRequest,
  order: OrderState,
  commandId: string,
  now: number,
): Promise<void> {
  await postAndLog(tx, posting, order.merchantId, now, { buyerId: order.buyerId, commandId });
}

/** After a guarantee-fund payout: take it back from the seller's deposit, then available. */
async function recover(
  tx: Queryable,
  order: OrderState,
  amountFen: number,
  commandId: string,
  now: number,
): Promise<string | null> {
  const deposit = account.merchantDeposit(order.merchantId);
  const available = account.merchantAvailable(order.merchantId);
  const depositFen = normalBalance(deposit, await signedBalance(tx, deposit, order.currency));
  const availableFen = normalBalance(available, await signedBalance(tx, available, order.currency));
  const { legs } = recoveryLegs(order.merchantId, amountFen, { depositFen, availableFen });
  if (legs.length === 0) return null;
  const posting: PostingRequest = {
    txnId: uuidv7(now),
    commandId,
    kind: 'recovery',
    at: now,
    currency: order.currency,
    orderId: order.orderId,
    legs,
  };
  await post(tx, posting, order, commandId, now);
  return posting.txnId;
}

/** Orders are made only for known merchants, at the merchant's fee rate, never a caller's. */
async function checkMerchant(tx: Queryable, merchantId: string, feeBps: number): Promise<void> {
  const r = await tx.query<{ fee_bps: number }>(
    'SELECT fee_bps FROM merchants WHERE merchant_id = $1',
    [merchantId],
  );
  const m = r.rows[0];
  if (!m) throw new DeskError('invalid_input', `unknown merchant ${merchantId}`);
  if (m.fee_bps !== feeBps)
    throw new DeskError('invalid_input', 'feeBps is not the merchant’s rate');
}

/** Evidence named in a command must be a file the acting user uploaded, with the same size. */
async function checkEvidenceOwnership(
  tx: Queryable,
  userId: string,
  events: readonly EscrowEvent[],
): Promise<void> {
  const refs: EvidenceRef[] = [];
  for (const e of events) if ('evidence' in e && e.evidence) refs.push(...e.evidence);
  for (const ref of refs) {
    // The type too: rules admit files by type (refund photos are images), and the type that
    // counts is the one sniffed from the bytes at upload, not one a client writes in the ref.
    const r = await tx.query(
      `SELECT 1 FROM evidence_uploads u JOIN evidence_files f ON f.sha256 = u.sha256
       WHERE u.sha256 = $1 AND u.user_id = $2 AND f.size_bytes = $3 AND u.mime = $4`,
      [ref.sha256, userId, ref.sizeBytes, ref.mime],
    );
    if (r.rowCount === 0)
      throw new DeskError('invalid_input', `evidence ${ref.sha256} was not uploaded by you`);
  }
}
