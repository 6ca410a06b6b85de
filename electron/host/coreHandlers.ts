import { fail, ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { MethodInput, MethodName } from '../../shared/contract/types.ts';
import type { EscrowService } from '../core/escrow/escrowService.ts';
import { verifyLedger } from '../core/ledger/verifyLedger.ts';
import type { Db } from '../core/store/openDatabase.ts';
import { createSearchModels } from '../core/escrow/searchModels.ts';
import { normalizeTrackingNo, trackingProblem } from '../../shared/shipping/carriers.ts';
import { commandFor, isCommandMethod } from './commandFor.ts';

const SELLER_ROLES: readonly Actor['role'][] = ['seller_staff', 'seller_admin'];

/**
 * The merchant a caller may read. Sellers see their own merchant only; an attempt to name
 * another is refused rather than silently narrowed, so a bug in the UI shows up.
 */
function readScope(actor: Actor, requested: string | undefined): Result<string | undefined> {
  if (!SELLER_ROLES.includes(actor.role)) return ok(requested);
  if (!actor.merchantId) return fail('forbidden', 'this seller account has no merchant');
  if (requested !== undefined && requested !== actor.merchantId) {
    return fail('forbidden', "another merchant's data");
  }
  return ok(actor.merchantId);
}

/**
 * Contract methods answered by the core, inside the worker. Inputs have passed the contract's
 * schemas in the host; the rules re-check commands (they also run on the server). The actor
 * is the signed-in user the host attached. Throws only on bugs; the worker turns a throw into
 * a typed error.
 */
export function createCoreHandlers(
  db: Db,
  service: EscrowService,
  onOrdersChanged: (ids: string[]) => void,
) {
  const offline = {
    state: 'offline' as const,
    pendingMutations: 0,
    lastSyncedAt: null,
    message: 'no central server configured: working on the local demo data',
  };

  const search = createSearchModels(db);

  return function handle(
    method: MethodName,
    input: unknown,
    actor: Actor | null,
    nowMs: number,
  ): Result<unknown> {
    if (!actor) return fail('unauthorized', 'sign in first');
    // The carrier's tracking format is checked here too, not only in the form (issue 6).
    if (method === 'shipments.ship') {
      const { carrier, trackingNo } = input as MethodInput<'shipments.ship'>;
      const problem = trackingProblem(carrier, normalizeTrackingNo(trackingNo));
      if (problem) return fail('invalid_tracking_number', `${carrier} ${trackingNo}: ${problem}`);
    }
    if (isCommandMethod(method)) {
      const { commandId, command } = commandFor(method, input as never);
      const applied = service.apply({ commandId, actor, command }, nowMs);
      if (!applied.ok) return applied;
      if (applied.value.events.length > 0) onOrdersChanged([command.orderId]);
      return ok({ order: applied.value.order });
    }
    switch (method) {
      case 'orders.list': {
        const q = input as MethodInput<'orders.list'>;
        const scope = readScope(actor, q.merchantId);
        if (!scope.ok) return scope;
        return ok(
          service.listOrders({
            limit: q.limit,
            ...(scope.value === undefined ? {} : { merchantId: scope.value }),
            ...(q.status === undefined ? {} : { status: q.status }),
            ...(q.afterCursor === undefined ? {} : { afterCursor: q.afterCursor }),
          }),
        );
      }
      case 'orders.get': {
        const { orderId } = input as MethodInput<'orders.get'>;
        const scope = readScope(actor, undefined);
        if (!scope.ok) return scope;
        const detail = service.getOrder(orderId);
        // Another merchant's order answers exactly like a missing one: no existence oracle.
        if (!detail || (scope.value !== undefined && detail.order.merchantId !== scope.value)) {
          return fail('order_not_found', `no order ${orderId}`);
        }
        return ok(detail);
      }
      case 'ledger.balances': {
        const q = input as MethodInput<'ledger.balances'>;
        const scope = readScope(actor, q.merchantId);
        if (!scope.ok) return scope;
        return ok(service.balances(scope.value === undefined ? {} : { merchantId: scope.value }));
      }
      case 'orders.search': {
        const q = input as MethodInput<'orders.search'>;
        const scope = readScope(actor, undefined);
        if (!scope.ok) return scope;
        return ok(
          search.searchOrders(
            {
              offset: q.offset,
              limit: q.limit,
              ...(scope.value === undefined ? {} : { merchantId: scope.value }),
              ...(q.text === undefined ? {} : { text: q.text }),
              ...(q.status === undefined ? {} : { status: q.status }),
              ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
              ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
              ...(q.queue === undefined ? {} : { queue: q.queue }),
            },
            actor,
            nowMs,
          ),
        );
      }
      case 'shipments.check': {
        const { rows } = input as MethodInput<'shipments.check'>;
        return ok({ rows: search.checkShipments(rows, actor, nowMs) });
      }
      case 'shipments.shipMany': {
        const { items } = input as MethodInput<'shipments.shipMany'>;
        const checks = search.checkShipments(
          items.map((item, line) => ({ line, ...item })),
          actor,
          nowMs,
        );
        // Rows that fail the check are refused here; the rest go to the rules in one batch.
        const clean = checks.filter((c) => c.problems.length === 0);
        const applied = service.applyBatch(
          clean.map((c) => ({
            commandId: items[c.line]!.commandId,
            actor,
            command: {
              type: 'ship',
              orderId: c.orderId,
              carrier: c.carrier,
              trackingNo: c.trackingNo,
            },
          })),
          nowMs,
        );
        const changed: string[] = [];
        let next = 0;
        const results = items.map((item, i) => {
          const problems = checks[i]!.problems;
          if (problems.length > 0) {
            return {
              orderId: item.orderId,
              ok: false,
              error: { code: 'invalid_input', message: problems.join(', ') },
            };
          }
          const r = applied[next++]!;
          if (r.ok) changed.push(item.orderId);
          return { orderId: item.orderId, ok: r.ok, error: r.ok ? null : r.error };
        });
        if (changed.length > 0) onOrdersChanged(changed);
        return ok({ results });
      }
      case 'ledger.lines': {
        const q = input as MethodInput<'ledger.lines'>;
        const scope = readScope(actor, undefined);
        if (!scope.ok) return scope;
        if (scope.value === undefined) return fail('forbidden', 'the ledger view is per merchant');
        return ok(
          search.ledgerLines({
            merchantId: scope.value,
            scope: q.scope,
            offset: q.offset,
            limit: q.limit,
            ...(q.kind === undefined ? {} : { kind: q.kind }),
            ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
            ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
          }),
        );
      }
      case 'ledger.history': {
        const q = input as MethodInput<'ledger.history'>;
        const scope = readScope(actor, undefined);
        if (!scope.ok) return scope;
        if (scope.value === undefined) return fail('forbidden', 'the chart is per merchant');
        return ok({ points: search.balanceHistory(scope.value, q.fromMs, q.toMs) });
      }
      case 'ledger.verify': {
        const report = verifyLedger(db);
        return ok({ ok: report.ok, problems: report.problems });
      }
      // Without a central server nothing is ever refused by one.
      case 'sync.issues':
        return ok({ issues: [] });
      case 'sync.acknowledgeIssue':
        return ok({ acknowledged: false });
      case 'sync.status':
      case 'sync.now':
        return ok(offline);
      default:
        return fail('unknown_method', `${method} is not answered by the core`);
    }
  };
}
