import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../shared/escrow/types.ts';
import { DeskError } from '../../shared/errors.ts';
import { verifyBankRequest } from '../bank/verifyBankRequest.ts';
import { fen, parseBody, id, text } from '../http/requestSchemas.ts';
import { isFinance, isSeller, requireActor } from '../http/requestActor.ts';
import { addRoute } from '../http/routeSpec.ts';
import type { ServerContext } from '../http/serverContext.ts';
import { enterPayoutAccount, listPayoutAccounts } from './payoutAccounts.ts';
import { createPayoutBatch, readPayoutBatchFile } from './payoutBatches.ts';
import { receivePayoutResult } from './payoutResults.ts';
import { registerStatementRoutes } from './statementRoutes.ts';
import { prepareTreasurySchema } from './treasuryMigrations.ts';
import { requireFinance, treasuryPolicyOf } from './treasuryAccess.ts';
import { listWithdrawals, requestWithdrawal } from './withdrawals.ts';

const requestKey = z.string().regex(/^[A-Za-z0-9:_.-]{1,100}$/, 'must be a command id');

const payoutAccountBody = z.strictObject({
  accountName: text(60).min(1),
  bankName: text(60).min(1),
  accountNo: text(40).min(1),
});
const withdrawalBody = z.strictObject({ requestKey, amountFen: fen });
const withdrawalQuery = z.strictObject({
  status: z.optional(z.enum(['requested', 'sent', 'paid', 'failed'])),
  merchantId: z.optional(id),
});
const batchBody = z.strictObject({ bank: z.optional(id) });
export const payoutResultBody = z.strictObject({
  resultId: id,
  bank: id,
  withdrawalId: id,
  outcome: z.enum(['paid', 'failed']),
  bankRef: text(100).min(1),
  currency: z.literal('CNY'),
  amountFen: fen,
  reason: z.optional(text(500)),
});

async function requireSellerAdmin(ctx: ServerContext, req: FastifyRequest): Promise<Actor> {
  const actor = await requireActor(ctx, req);
  if (actor.role !== 'seller_admin' || !actor.merchantId)
    throw new DeskError('forbidden', 'only a seller admin may do this');
  return actor;
}

/**
 * Treasury (issue 16): payout accounts, withdrawals, payout batches and the bank's signed
 * payout results; statements and reconciliation are in statementRoutes.ts. Registered as an
 * encapsulated plugin so its tables exist before the first request.
 */
export function registerTreasuryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  void app.register(async (scope) => {
    await prepareTreasurySchema(ctx.db);
    addTreasuryRoutes(scope, ctx);
    registerStatementRoutes(scope, ctx);
  });
}

function addTreasuryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['treasury'];
  addRoute(app, {
    method: 'GET',
    url: '/v1/treasury/payout-account',
    summary: 'The merchant’s payout account versions (masked except to whoever entered each)',
    tags,
    roles: 'seller_staff, seller_admin',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (!isSeller(actor)) throw new DeskError('forbidden', 'only the merchant’s staff');
      return {
        accounts: await listPayoutAccounts(ctx.db, actor, actor.merchantId ?? '', ctx.clock.now()),
      };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/payout-account',
    summary: 'Enter or change the payout account; it takes effect after the cooling-off period',
    tags,
    roles: 'seller_admin',
    auth: 'bearer',
    body: payoutAccountBody,
    handler: async (req, reply) => {
      const actor = await requireSellerAdmin(ctx, req);
      const body = parseBody(payoutAccountBody, req.body);
      const account = await ctx.db.transaction((tx) =>
        enterPayoutAccount(tx, actor, body, ctx.clock.now(), treasuryPolicyOf(ctx)),
      );
      return reply.code(201).send({ account });
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/withdrawals',
    summary: 'Withdraw available balance (reserved at once; idempotent by requestKey)',
    tags,
    roles: 'seller_admin',
    auth: 'bearer',
    body: withdrawalBody,
    handler: async (req, reply) => {
      const actor = await requireSellerAdmin(ctx, req);
      const body = parseBody(withdrawalBody, req.body);
      const r = await requestWithdrawal(
        ctx.db,
        actor,
        body,
        ctx.clock.now(),
        treasuryPolicyOf(ctx),
      );
      return reply.code(r.replayed ? 200 : 201).send(r);
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/treasury/withdrawals',
    summary: 'Withdrawals: the merchant’s own (seller roles) or all (finance)',
    tags,
    roles: 'seller_staff, seller_admin, finance',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      const q = parseBody(withdrawalQuery, req.query);
      if (isSeller(actor))
        return {
          withdrawals: await listWithdrawals(ctx.db, {
            merchantId: actor.merchantId ?? '-',
            status: q.status,
          }),
        };
      if (!isFinance(actor)) throw new DeskError('forbidden', 'not for this role');
      return { withdrawals: await listWithdrawals(ctx.db, q) };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/treasury/payout-batches',
    summary: 'Send every requested withdrawal of a bank in one payout batch (instruction file)',
    tags,
    roles: 'finance',
    auth: 'bearer',
    body: batchBody,
    handler: async (req, reply) => {
      const actor = await requireFinance(ctx, req);
      const body = parseBody(batchBody, req.body);
      const bank = body.bank ?? treasuryPolicyOf(ctx).payoutBank;
      const batch = await createPayoutBatch(ctx.db, actor, bank, ctx.clock.now());
      return reply.code(batch ? 201 : 200).send({ batch });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/treasury/payout-batches/:batchId/file',
    summary: 'A payout batch’s instruction file, as uploaded to the bank',
    tags,
    roles: 'finance',
    auth: 'bearer',
    handler: async (req, reply) => {
      await requireFinance(ctx, req);
      const { batchId } = parseBody(z.strictObject({ batchId: id }), req.params);
      const file = await readPayoutBatchFile(ctx.db, batchId);
      if (!file) throw new DeskError('not_found', 'no such batch');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.text);
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/v1/bank/payout-results',
    summary:
      'Partner bank payout result, signed like payment notifications (x-bank-signature with key id)',
    tags: ['bank'],
    auth: 'bank_signature',
    body: payoutResultBody,
    handler: async (req) => {
      verifyBankRequest(req, ctx.bankSecrets, ctx.clock);
      const body = parseBody(payoutResultBody, req.body);
      const r = await receivePayoutResult(ctx.db, body, req.rawBody ?? '', ctx.clock.now());
      return { received: true, ...r };
    },
  });
}
