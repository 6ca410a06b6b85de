import { fail, isDeskError, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import type { CoreMethod, MethodOutput, ParsedInput } from '../../../shared/contract/types.ts';
import { parseOutput } from '../../../shared/contract/validate.ts';
import type { Actor, EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { normalBalance } from '../../../shared/ledger/accounts.ts';
import { DEFAULT_MERCHANT_TIME_ZONE } from '../../../shared/merchantTime.ts';
import { normalizeTrackingNo, trackingProblem } from '../../../shared/shipping/carriers.ts';
import { escalatedRefunds } from '../replica/escalatedRefunds.ts';
import type { DisputeMethod } from '../disputes/disputeCalls.ts';
import type { TreasuryMethod } from '../treasury/treasuryCalls.ts';
import { commandFor } from './commandFor.ts';
import type { CommandMethod } from './commandFor.ts';
import type { ReplicaSession } from './replicaSession.ts';

/** What every handler gets: the signed-in user's replica session and the call's time. */
export interface CoreContext {
  session: ReplicaSession;
  actor: Actor;
  nowMs: number;
}

type Handler<M extends CoreMethod> = (
  input: ParsedInput<M>,
  ctx: CoreContext,
) => Result<MethodOutput<M>> | Promise<Result<MethodOutput<M>>>;

/** Exactly one handler per core method, typed from the contract (no switch, no casts). */
export type CoreHandlers = { [M in CoreMethod]: Handler<M> };

const SELLER_ROLES: readonly Actor['role'][] = ['seller_staff', 'seller_admin'];
const isSeller = (actor: Actor) => SELLER_ROLES.includes(actor.role);

/** Refusals a replica that is behind the server gives to an action the server may accept. */
const REPLICA_BEHIND_CODES: ReadonlySet<string> = new Set([
  'order_not_found',
  'refund_not_found',
  'claim_not_found',
  'invalid_state',
  'approval_not_pending',
]);

function summary(order: OrderState): MethodOutput<'orders.list'>['orders'][number] {
  const moments = [order.createdAt, order.paidAt, order.shipment?.shippedAt, order.completedAt];
  return {
    orderId: order.orderId,
    merchantId: order.merchantId,
    buyerId: order.buyerId,
    status: order.status,
    currency: order.currency,
    amountFen: order.amountFen,
    heldFen: order.heldFen,
    nextTimerAt: null,
    createdAt: order.createdAt,
    updatedAt: Math.max(...moments.filter((m): m is number => typeof m === 'number')),
    version: order.version,
  };
}

/**
 * An escrow command from the desk: decided with the shared rules against what the user sees
 * (replica + pending actions), written to the outbox and shown provisionally; the sync engine
 * pushes it and the server decides for good.
 */
async function enqueueCommand<M extends CommandMethod>(
  method: M,
  input: ParsedInput<M>,
  { session }: CoreContext,
): Promise<Result<{ order: OrderState }>> {
  const { commandId, command } = commandFor(method, input);
  const { sync } = session;
  // A retried call (same key) answers like the first one instead of queueing a second action.
  const shown = sync.knowsCommand(command.orderId, commandId)
    ? sync.getOrder(command.orderId)
    : null;
  if (shown) return ok({ order: shown.order });
  const attempt = (): Result<{ order: OrderState }> => {
    try {
      return ok({ order: sync.enqueue(command, { commandId }).order });
    } catch (err) {
      if (isDeskError(err)) return fail(err.code, err.message);
      throw err;
    }
  };
  const first = attempt();
  if (first.ok || !REPLICA_BEHIND_CODES.has(first.error.code)) return first;
  // The user may act on what the server shows before the replica has it (a case opened from
  // the dispute queue, an order a buyer has just paid): catch up once, decide again. Offline,
  // the round fails at once and the refusal stands.
  await sync.syncOnce().catch(() => undefined);
  return attempt();
}

/** The carrier's tracking format, checked before anything is queued. */
function trackingRefusal(carrier: string, trackingNo: string): Result<never> | null {
  const problem = trackingProblem(carrier, normalizeTrackingNo(trackingNo));
  return problem ? fail('invalid_tracking_number', `${carrier} ${trackingNo}: ${problem}`) : null;
}

const command =
  <M extends CommandMethod>(method: M) =>
  (input: ParsedInput<M>, ctx: CoreContext) =>
    enqueueCommand(method, input, ctx);

/** The dispute desk's reads and desk-only actions, answered by the central API. */
const dispute =
  <M extends DisputeMethod>(method: M): Handler<M> =>
  async (input, { session, actor }) => {
    const answer = await session.disputes(method, input, actor);
    return answer.ok ? parseOutput(method, answer.value) : answer;
  };

/** The treasury's calls: the central API, withdrawals through the desk's withdrawal outbox. */
const treasury =
  <M extends TreasuryMethod>(method: M): Handler<M> =>
  async (input, { session, actor, nowMs }) => {
    const answer = await session.treasury(method, input, actor, nowMs);
    return answer.ok ? parseOutput(method, answer.value) : answer;
  };

/** The merchant a seller reads is always their own; asking for another reads as empty. */
function sellerMerchant(actor: Actor, requested: string | undefined): string | null | undefined {
  if (!isSeller(actor)) return requested;
  if (!actor.merchantId || (requested !== undefined && requested !== actor.merchantId)) return null;
  return actor.merchantId;
}

export const coreHandlers: CoreHandlers = {
  'orders.list': (q, { session, actor }) => {
    const merchantId = sellerMerchant(actor, q.merchantId);
    const cursor = q.afterCursor ? /^(\d{1,16})~(.{1,200})$/.exec(q.afterCursor) : null;
    if (q.afterCursor && !cursor) return fail('invalid_input', 'bad cursor');
    if (merchantId === null) return ok({ orders: [], nextCursor: null });
    const { orders, more } = session.sync.orderPage({
      merchantId,
      status: q.status,
      limit: q.limit,
      after: cursor ? [Number(cursor[1]), cursor[2]!] : null,
    });
    const last = orders[orders.length - 1];
    return ok({
      orders: orders.map(summary),
      nextCursor: more && last ? `${last.createdAt}~${last.orderId}` : null,
    });
  },

  'orders.get': ({ orderId }, { session, actor }) => {
    const shown = session.sync.getOrder(orderId);
    // Outside the user's scope reads exactly like an order that does not exist.
    if (!shown || (isSeller(actor) && shown.order.merchantId !== actor.merchantId))
      return fail('order_not_found', `no order ${orderId}`);
    return ok({ order: shown.order, ...session.sync.orderHistory(orderId) });
  },

  'orders.search': (q, { session, actor, nowMs }) => {
    const merchantId = sellerMerchant(actor, undefined);
    if (merchantId === null) return ok({ total: 0, totalCapped: false, pendingTotal: 0, rows: [] });
    return ok(
      session.search.searchOrders(
        {
          offset: q.offset,
          limit: q.limit,
          ...(merchantId === undefined ? {} : { merchantId }),
          ...(q.text === undefined ? {} : { text: q.text }),
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
          ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
          ...(q.queue === undefined ? {} : { queue: q.queue }),
          ...(q.sort === undefined ? {} : { sort: q.sort }),
        },
        actor,
        nowMs,
      ),
    );
  },

  'orders.counts': (q, { session, actor }) => {
    const merchantId = sellerMerchant(actor, undefined);
    if (merchantId === null) return ok({ total: 0, byStatus: {}, capped: false });
    const { byStatus, capped } = session.search.orderCounts({
      ...(merchantId === undefined ? {} : { merchantId }),
      ...(q.text === undefined ? {} : { text: q.text }),
      ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
      ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
    });
    const total = Object.values(byStatus).reduce((sum, n) => sum + (n ?? 0), 0);
    return ok({ total, byStatus, capped });
  },

  'shipments.check': ({ rows }, { session, actor, nowMs }) =>
    ok({ rows: session.search.checkShipments(rows, actor, nowMs) }),

  'shipments.shipMany': ({ items }, { session, actor, nowMs }) => {
    // Each row becomes its own mutation with its own commandId in the outbox, so the server
    // applies it and a refusal becomes a sync issue. Rows that fail the check (format,
    // duplicates, not shippable) queue nothing.
    const { sync } = session;
    const checks = session.search.checkShipments(
      items.map((item, line) => ({ line, ...item })),
      actor,
      nowMs,
    );
    const results = items.map((item, i) => {
      if (sync.knowsCommand(item.orderId, item.commandId))
        return { orderId: item.orderId, ok: true, error: null };
      const problems = checks[i]?.problems ?? [];
      if (problems.length > 0)
        return {
          orderId: item.orderId,
          ok: false,
          error: { code: 'invalid_input', message: problems.join(', ') },
        };
      const ship: EscrowCommand = {
        type: 'ship',
        orderId: item.orderId,
        carrier: checks[i]?.carrier ?? item.carrier,
        trackingNo: normalizeTrackingNo(item.trackingNo),
      };
      try {
        sync.enqueue(ship, { commandId: item.commandId });
        return { orderId: item.orderId, ok: true, error: null };
      } catch (err) {
        if (!isDeskError(err)) throw err;
        return { orderId: item.orderId, ok: false, error: err.toJSON() };
      }
    });
    return ok({ results });
  },

  'shipments.ship': (input, ctx) =>
    trackingRefusal(input.carrier, input.trackingNo) ??
    enqueueCommand('shipments.ship', input, ctx),
  'waybills.print': async ({ carrier, orderIds }, ctx) => {
    if (!isSeller(ctx.actor)) return fail('forbidden', 'only a seller prints e-waybills');
    const assigned = await ctx.session.shipping.assignWaybills(carrier, orderIds);
    if (!assigned.ok) return assigned;
    // The numbers are the server's; shipping with them is an ordinary ship action each, queued
    // in the outbox. An order already shown shipped with its number (a reprint, a retried
    // call) queues nothing again.
    const refused: MethodOutput<'waybills.print'>['refused'] = [];
    for (const label of assigned.value.labels) {
      const shown = ctx.session.sync.getOrder(label.orderId)?.order;
      if (shown?.shipment?.trackingNo === label.waybillNo) continue;
      const shipped = await enqueueCommand(
        'shipments.ship',
        {
          commandId: uuidv7(ctx.nowMs),
          orderId: label.orderId,
          carrier: label.carrier,
          trackingNo: label.waybillNo,
        },
        ctx,
      );
      if (!shipped.ok) refused.push({ orderId: label.orderId, error: shipped.error });
    }
    return parseOutput('waybills.print', { labels: assigned.value.labels, refused });
  },
  'merchant.addresses': async (_input, { session, actor }) => {
    if (!isSeller(actor)) return fail('forbidden', 'addresses belong to a shop');
    const r = await session.shipping.addresses();
    return r.ok ? parseOutput('merchant.addresses', r.value) : r;
  },
  'merchant.settings': (_input, { session, actor }) =>
    isSeller(actor) && actor.merchantId
      ? session.merchantSettings.read(actor.merchantId)
      : fail('forbidden', 'settings belong to a shop'),
  'merchant.setTimeZone': ({ timeZone }, { session, actor }) =>
    actor.role === 'seller_admin' && actor.merchantId
      ? session.merchantSettings.setTimeZone(actor.merchantId, timeZone)
      : fail('forbidden', "only a seller admin changes the shop's time zone"),
  'merchant.setAddress': async (input, { session }) => {
    const r = await session.shipping.setAddress(input);
    return r.ok ? parseOutput('merchant.setAddress', r.value) : r;
  },
  'orders.annotate': command('orders.annotate'),
  'refunds.agree': command('refunds.agree'),
  'refunds.refuse': command('refunds.refuse'),
  'refunds.file': (input, { session, actor }) =>
    isSeller(actor) || actor.role === 'agent' || actor.role === 'senior_agent'
      ? session.refundFiles.file(input)
      : fail('forbidden', 'refund files are for the shop and agents'),
  'refunds.escalated': (_input, { session, actor }) => {
    if (actor.role !== 'agent' && actor.role !== 'senior_agent')
      return fail('forbidden', 'escalated refunds are decided by agents');
    return ok({
      items: escalatedRefunds(session.db).map(({ order, refund }) => ({
        orderId: order.orderId,
        merchantId: order.merchantId,
        buyerId: order.buyerId,
        currency: order.currency,
        orderAmountFen: order.amountFen,
        refund,
      })),
    });
  },
  'refunds.uploadEvidence': async (input, { session, actor }) => {
    if (!isSeller(actor)) return fail('forbidden', 'only a seller attaches refusal evidence');
    const r = await session.refundFiles.upload(input);
    return r.ok ? parseOutput('refunds.uploadEvidence', r.value) : r;
  },
  'refunds.confirmReturn': command('refunds.confirmReturn'),
  'refunds.resolveEscalation': command('refunds.resolveEscalation'),
  'claims.requestSellerEvidence': command('claims.requestSellerEvidence'),
  'claims.submitSellerEvidence': command('claims.submitSellerEvidence'),
  'claims.decide': command('claims.decide'),
  'claims.secondApproval': command('claims.secondApproval'),

  'ledger.balances': (q, { session, actor }) => {
    const merchant = sellerMerchant(actor, q.merchantId);
    if (merchant === null) return ok({ accounts: [], escrowHeld: [] });
    const all = session.sync.confirmedBalances().filter((b) => b.currency === 'CNY');
    const accounts = all
      .filter((b) => !b.account.startsWith('escrow:order:'))
      .filter((b) => (merchant ? b.account.startsWith(`merchant:${merchant}:`) : true))
      .map((b) => ({
        account: b.account,
        currency: 'CNY' as const,
        signedFen: b.balanceFen,
        balanceFen: normalBalance(b.account, b.balanceFen),
      }));
    const held = all
      .filter((b) => b.account.startsWith('escrow:order:'))
      .reduce((sum, b) => sum - b.balanceFen, 0);
    return ok({
      accounts,
      escrowHeld: held === 0 ? [] : [{ currency: 'CNY' as const, heldFen: held }],
    });
  },

  'ledger.lines': (q, { session, actor }) => {
    if (!isSeller(actor) || !actor.merchantId)
      return fail('forbidden', 'the ledger view is per merchant');
    return ok(
      session.search.ledgerLines({
        merchantId: actor.merchantId,
        scope: q.scope,
        offset: q.offset,
        limit: q.limit,
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
        ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
      }),
    );
  },

  'ledger.statement': (q, { session, actor }) => {
    if (!isSeller(actor) || !actor.merchantId)
      return fail('forbidden', 'the ledger view is per merchant');
    return ok({
      accounts: session.search.ledgerStatement({
        merchantId: actor.merchantId,
        scope: q.scope,
        ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
        ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
      }),
    });
  },

  'ledger.history': (q, { session, actor }) => {
    if (!isSeller(actor) || !actor.merchantId)
      return fail('forbidden', 'the chart is per merchant');
    const timeZone = q.timeZone ?? DEFAULT_MERCHANT_TIME_ZONE;
    return ok({
      points: session.search.balanceHistory(actor.merchantId, q.fromMs, q.toMs, timeZone),
    });
  },

  'ledger.verify': async (_input, { session }) => ok(await session.sync.verifyReplica()),

  'disputes.queue': dispute('disputes.queue'),
  'disputes.case': dispute('disputes.case'),
  'disputes.assign': dispute('disputes.assign'),
  'disputes.bulkAssign': dispute('disputes.bulkAssign'),
  'disputes.addNote': dispute('disputes.addNote'),
  'disputes.sendMessage': dispute('disputes.sendMessage'),
  'disputes.evidenceFile': dispute('disputes.evidenceFile'),
  'disputes.audit': dispute('disputes.audit'),
  'disputes.auditExport': dispute('disputes.auditExport'),
  'disputes.evidencePack': dispute('disputes.evidencePack'),
  'disputes.metrics': dispute('disputes.metrics'),
  'disputes.sellerClaims': dispute('disputes.sellerClaims'),
  'disputes.uploadEvidence': dispute('disputes.uploadEvidence'),
  'treasury.payoutAccounts': treasury('treasury.payoutAccounts'),
  'treasury.setPayoutAccount': treasury('treasury.setPayoutAccount'),
  'treasury.withdrawals': treasury('treasury.withdrawals'),
  'treasury.withdraw': treasury('treasury.withdraw'),
  'treasury.overview': treasury('treasury.overview'),
  'treasury.exceptions': treasury('treasury.exceptions'),
  'treasury.explainException': treasury('treasury.explainException'),
  'treasury.proposeAdjustment': treasury('treasury.proposeAdjustment'),
  'treasury.decideAdjustment': treasury('treasury.decideAdjustment'),
  'treasury.report': treasury('treasury.report'),
  'treasury.importStatement': treasury('treasury.importStatement'),

  'sync.status': (_input, { session }) => ok(session.sync.status()),
  'sync.now': async (_input, { session }) => {
    await session.sync.syncOnce().catch(() => undefined);
    return ok(session.sync.status());
  },
  'sync.issues': (_input, { session }) =>
    ok({
      issues: session.sync
        .issues()
        .filter((i) => i.acknowledgedAt === null)
        .map((i) => ({
          mutationId: i.mutationId,
          commandId: i.commandId,
          orderId: i.orderId,
          commandType: i.command.type,
          code: i.error.code,
          message: i.error.message,
          whatChanged: i.whatChanged,
          nextActions: i.nextActions,
          createdAt: i.createdAt,
        }))
        // Newest first by when they arrived: issues carried over from a rescoped replica have
        // ids above the new file's own (replicaScope.ts), so ids alone are not time order.
        .sort((a, b) => b.createdAt - a.createdAt || b.mutationId - a.mutationId),
    }),
  'sync.acknowledgeIssue': ({ mutationId }, { session }) =>
    ok({ acknowledged: session.sync.acknowledgeIssue(mutationId) }),
};

/** Runs the one handler of `method`; the generic index keeps input and output correlated. */
export function handleCoreCall<M extends CoreMethod>(
  method: M,
  input: ParsedInput<M>,
  ctx: CoreContext,
): Result<MethodOutput<M>> | Promise<Result<MethodOutput<M>>> {
  const handler: CoreHandlers[M] = coreHandlers[method];
  return handler(input, ctx);
}
