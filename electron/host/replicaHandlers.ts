import { fail, isDeskError, ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import type { Actor, OrderState } from '../../shared/escrow/types.ts';
import { normalBalance } from '../../shared/ledger/accounts.ts';
import type { MethodInput, MethodName } from '../../shared/contract/types.ts';
import type { SearchModels } from '../core/escrow/searchModels.ts';
import type { SyncClient } from '../core/sync/syncClient.ts';
import { normalizeTrackingNo, trackingProblem } from '../../shared/shipping/carriers.ts';
import { commandFor, isCommandMethod } from './commandFor.ts';

const SELLER_ROLES: readonly Actor['role'][] = ['seller_staff', 'seller_admin'];

function visible(actor: Actor, order: OrderState): boolean {
  return !SELLER_ROLES.includes(actor.role) || order.merchantId === actor.merchantId;
}

function summary(order: OrderState) {
  const moments = [
    order.createdAt,
    order.paidAt,
    order.shipment?.shippedAt ?? null,
    order.completedAt,
  ];
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
    updatedAt: Math.max(...moments.filter((m): m is number => m !== null)),
    version: order.version,
  };
}

/**
 * The contract answered from the replica of a central server (docs/sync.md): reads show the
 * server's confirmed state with this desk's pending mutations on top, and commands go to the
 * outbox (applied optimistically, pushed by the sync client). Methods not listed here fall
 * back to the local store's handlers.
 */
/** Refusals a replica that is behind the server gives to an action the server may accept. */
const REPLICA_BEHIND_CODES: ReadonlySet<string> = new Set([
  'order_not_found',
  'refund_not_found',
  'claim_not_found',
  'invalid_state',
  'approval_not_pending',
]);

export function createReplicaHandlers(
  sync: SyncClient,
  opts: { checkShipments?: SearchModels['checkShipments'] } = {},
) {
  return async function handle(
    method: MethodName,
    input: unknown,
    actor: Actor,
    nowMs: number = Date.now(),
  ): Promise<Result<unknown> | null> {
    // The carrier's tracking format is checked as in local mode, before anything is queued.
    if (method === 'shipments.ship') {
      const { carrier, trackingNo } = input as MethodInput<'shipments.ship'>;
      const problem = trackingProblem(carrier, normalizeTrackingNo(trackingNo));
      if (problem) return fail('invalid_tracking_number', `${carrier} ${trackingNo}: ${problem}`);
    }
    if (isCommandMethod(method)) {
      const { commandId, command } = commandFor(method, input as never);
      // A retried call (same key) answers like the first one, as local mode's replay does.
      const shown = sync.knowsCommand(command.orderId, commandId)
        ? sync.getOrder(command.orderId)
        : null;
      if (shown) return ok({ order: shown.order });
      try {
        return ok({ order: sync.enqueue(command, { commandId }).order });
      } catch (err) {
        if (!isDeskError(err) || !REPLICA_BEHIND_CODES.has(err.code)) throw err;
        // The user may act on what the server shows before the replica has it (a case opened
        // from the dispute queue, an order a buyer has just paid): catch up once, decide again.
        // Offline, the round fails at once and the refusal stands.
        await sync.syncOnce().catch(() => undefined);
        return ok({ order: sync.enqueue(command, { commandId }).order });
      }
    }
    switch (method) {
      case 'orders.list': {
        const q = input as MethodInput<'orders.list'>;
        if (
          SELLER_ROLES.includes(actor.role) &&
          q.merchantId &&
          q.merchantId !== actor.merchantId
        ) {
          return fail('forbidden', "another merchant's data");
        }
        const cursor = q.afterCursor ? /^(\d{1,16})~(.{1,200})$/.exec(q.afterCursor) : null;
        if (q.afterCursor && !cursor) return fail('invalid_input', 'bad cursor');
        // A seller sees only their merchant's orders, whether or not they asked for it.
        if (SELLER_ROLES.includes(actor.role) && !actor.merchantId)
          return ok({ orders: [], nextCursor: null });
        const merchantId = SELLER_ROLES.includes(actor.role) ? actor.merchantId : q.merchantId;
        const { orders, more } = sync.orderPage({
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
      }
      case 'shipments.shipMany': {
        // Like `shipments.ship`, each row becomes its own mutation with its own commandId in the
        // outbox, so the server (not this desk's store) applies it and a refusal becomes a sync
        // issue. Rows that fail the check (format, duplicates, not shippable) queue nothing.
        const { items } = input as MethodInput<'shipments.shipMany'>;
        const checks = opts.checkShipments?.(
          items.map((item, line) => ({ line, ...item })),
          actor,
          nowMs,
        );
        const results = items.map((item, i) => {
          if (sync.knowsCommand(item.orderId, item.commandId))
            return { orderId: item.orderId, ok: true, error: null };
          const problems = checks?.[i]?.problems ?? [];
          if (problems.length > 0) {
            return {
              orderId: item.orderId,
              ok: false,
              error: { code: 'invalid_input' as const, message: problems.join(', ') },
            };
          }
          const trackingNo = normalizeTrackingNo(item.trackingNo);
          const format = trackingProblem(item.carrier, trackingNo);
          if (format) {
            return {
              orderId: item.orderId,
              ok: false,
              error: { code: 'invalid_tracking_number' as const, message: format },
            };
          }
          try {
            sync.enqueue(
              {
                type: 'ship',
                orderId: item.orderId,
                carrier: checks?.[i]?.carrier ?? item.carrier,
                trackingNo,
              },
              { commandId: item.commandId },
            );
            return { orderId: item.orderId, ok: true, error: null };
          } catch (err) {
            if (!isDeskError(err)) throw err;
            return { orderId: item.orderId, ok: false, error: err.toJSON() };
          }
        });
        return ok({ results });
      }
      case 'orders.get': {
        const { orderId } = input as MethodInput<'orders.get'>;
        const shown = sync.getOrder(orderId);
        if (!shown || !visible(actor, shown.order))
          return fail('order_not_found', `no order ${orderId}`);
        return ok({ order: shown.order, ...sync.orderHistory(orderId) });
      }
      case 'ledger.balances': {
        const q = input as MethodInput<'ledger.balances'>;
        const merchant = SELLER_ROLES.includes(actor.role) ? actor.merchantId : q.merchantId;
        const all = sync.confirmedBalances().filter((b) => b.currency === 'CNY');
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
        return ok({ accounts, escrowHeld: held === 0 ? [] : [{ currency: 'CNY', heldFen: held }] });
      }
      case 'ledger.verify': {
        const check = await sync.verifyReplica();
        if (!check.complete)
          return ok({
            ok: false,
            problems: [
              {
                code: 'replica_incomplete',
                detail: `the first download from the server is not finished (${check.local.count} journal rows so far); verify again when it is`,
              },
            ],
          });
        return ok({
          ok: check.matches,
          problems: check.matches
            ? []
            : [
                {
                  code: 'replica_diverged',
                  detail: `local head ${check.local.head} ≠ server ${check.server.head} at ${check.upTo}`,
                },
              ],
        });
      }
      case 'sync.status':
        return ok(sync.status());
      case 'sync.now':
        await sync.syncOnce().catch(() => undefined);
        return ok(sync.status());
      case 'sync.issues':
        return ok({
          issues: sync
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
            .reverse(),
        });
      case 'sync.acknowledgeIssue': {
        const { mutationId } = input as MethodInput<'sync.acknowledgeIssue'>;
        return ok({ acknowledged: sync.acknowledgeIssue(mutationId) });
      }
      default:
        return null;
    }
  };
}
