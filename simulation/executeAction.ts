import { bankNotify } from './bankNotifications.ts';
import { buyerAct, createOrder } from './buyerActions.ts';
import { moveClock, runTimers } from './clockActions.ts';
import { healAndConverge } from './convergence.ts';
import { agentAct, deskOffline, deskSync, sellerAct } from './deskActions.ts';
import type { Action } from './schedule.ts';
import { importStatement, payoutBatch, payoutResult, withdraw } from './treasuryActions.ts';
import type { World } from './world.ts';

/** Carries out one action; returns a one-line outcome for the history. */
export async function executeAction(world: World, a: Action): Promise<string> {
  switch (a.kind) {
    case 'create_order':
      return createOrder(world, a);
    case 'bank_notify':
      return bankNotify(world, a);
    case 'buyer_act':
      return buyerAct(world, a);
    case 'desk_act':
      return sellerAct(world, a);
    case 'agent_act':
      return agentAct(world, a);
    case 'desk_sync':
      return deskSync(world, a);
    case 'desk_offline':
      return deskOffline(world, a);
    case 'clock':
      return moveClock(world, a);
    case 'timers':
      return runTimers(world);
    case 'server_restart':
      await world.server.restart();
      return `server restarted (${world.server.restarts()})`;
    case 'heal':
      return healAndConverge(world);
    case 'withdraw':
      return withdraw(world, a);
    case 'payout_batch':
      return payoutBatch(world);
    case 'payout_result':
      return payoutResult(world, a);
    case 'statement':
      return importStatement(world, a);
  }
}
