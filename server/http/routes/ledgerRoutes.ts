import type { FastifyInstance } from 'fastify';
import { DeskError } from '../../../shared/errors.ts';
import { account, merchantAccounts } from '../../../shared/ledger/accounts.ts';
import { readBalances } from '../../ledger/balances.ts';
import { verifyLedger } from '../../ledger/verifyLedger.ts';
import { isAgent, isSeller, requireActor } from '../requestActor.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

export function registerLedgerRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'GET',
    url: '/v1/ledger/balances',
    summary: 'Account balances the caller may see (positive on the normal side)',
    tags: ['ledger'],
    roles: 'seller roles (own merchant accounts), buyer (own refundable), agents (all)',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      // Named accounts, not a pattern: an id may hold `_`, which LIKE reads as any character.
      const names = isAgent(actor)
        ? null
        : isSeller(actor)
          ? merchantAccounts(actor.merchantId ?? '-')
          : [account.buyerRefundable(actor.userId)];
      return { balances: await readBalances(ctx.db, names) };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/ledger/verify',
    summary: 'Run every ledger invariant (balanced, zero-sum, floors, guards, hash chain)',
    tags: ['ledger'],
    roles: 'agent, senior_agent',
    auth: 'bearer',
    handler: async (req) => {
      const actor = await requireActor(ctx, req);
      if (!isAgent(actor)) throw new DeskError('forbidden', 'only agents may verify the ledger');
      // One snapshot for every check, so concurrent postings cannot show up half-seen.
      return ctx.db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        return verifyLedger(tx);
      });
    },
  });
}
