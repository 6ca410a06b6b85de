import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeskError } from '../../../shared/errors.ts';
import type { OrderState } from '../../../shared/escrow/types.ts';
import { readOrder } from '../../escrow/orderRows.ts';
import { canSeeOrder, orderScopeSql } from '../orderVisibility.ts';
import { orderFor } from '../sellerView.ts';
import { parseBody, pathIds } from '../requestSchemas.ts';
import { requireActor } from '../requestActor.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

const listQuery = z.strictObject({
  status: z.optional(z.string().regex(/^[a-z_]{1,40}$/)),
  limit: z.optional(z.string().regex(/^\d{1,3}$/)),
});

export function registerReadRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'GET',
    url: '/v1/orders',
    summary: 'Orders the caller may see, newest first (?status=, ?limit= up to 200)',
    tags: ['reads'],
    roles: 'buyer (own), seller roles (own merchant), agents (all)',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      const q = parseBody(listQuery, req.query);
      const scope = orderScopeSql(actor, 1);
      const params = [...scope.params];
      let where = scope.where;
      if (q.status) {
        params.push(q.status);
        where += ` AND status = $${params.length}`;
      }
      params.push(Math.min(200, Number(q.limit ?? 50)));
      const r = await ctx.db.query<{ state: OrderState }>(
        `SELECT state FROM orders WHERE ${where} ORDER BY created_at DESC, order_id LIMIT $${params.length}`,
        params,
      );
      return { orders: r.rows.map((row) => orderFor(actor, row.state)) };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/orders/:orderId',
    summary: 'One order with its refunds and claims',
    tags: ['reads'],
    roles: 'its buyer, its merchant, agents',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      const { orderId } = parseBody(pathIds, req.params);
      const order = await readOrder(ctx.db, orderId ?? '');
      if (!order) throw new DeskError('order_not_found', `no order ${orderId}`);
      // Another's order reads exactly like a missing one: no existence oracle.
      if (!canSeeOrder(actor, order)) throw new DeskError('order_not_found', `no order ${orderId}`);
      return { order: orderFor(actor, order) };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/claims',
    summary: 'Claims the caller may see, with their order (?status=)',
    tags: ['reads'],
    roles: 'buyer (own), seller roles (own merchant), agents (all)',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      const q = parseBody(listQuery, req.query);
      const scope = orderScopeSql(actor, 1);
      const r = await ctx.db.query<{ state: OrderState }>(
        `SELECT state FROM orders WHERE ${scope.where}
           AND jsonb_array_length(state->'claims') > 0 ORDER BY updated_at DESC LIMIT 500`,
        scope.params,
      );
      const claims = r.rows.flatMap(({ state: stored }) => {
        const state = orderFor(actor, stored);
        return state.claims
          .filter((c) => q.status === undefined || c.status === q.status)
          .map((c) => ({
            ...c,
            orderId: state.orderId,
            merchantId: state.merchantId,
            buyerId: state.buyerId,
            orderAmountFen: state.amountFen,
            orderStatus: state.status,
          }));
      });
      return { claims };
    },
  });
}
