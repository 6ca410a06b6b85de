import { isDeskError } from '../shared/errors.ts';
import type { EscrowCommand, OrderState } from '../shared/escrow/types.ts';
import type { Action } from './schedule.ts';
import type { SimDesk } from './simDesk.ts';
import { DeskKilled } from './simTransport.ts';
import { command, serverOrders } from './world.ts';
import type { World } from './world.ts';

/**
 * Seller staff and agents act on what their desk shows (its provisional state), offline or
 * not; the desk writes the mutation to its outbox first. A refusal by the desk's own check is a
 * visible rejection too: nothing is written.
 */
function enqueue(world: World, desk: SimDesk, cmd: EscrowCommand): string {
  try {
    const r = desk.client.enqueue(cmd, { commandId: world.uuid() });
    desk.enqueued.push({
      mutationId: r.mutationId,
      commandId: r.commandId,
      type: cmd.type,
      orderId: cmd.orderId,
    });
    world.counters.deskEnqueued++;
    return `${desk.name} ${cmd.type} ${cmd.orderId} m${r.mutationId}`;
  } catch (err) {
    if (!isDeskError(err)) throw err;
    world.counters.deskLocalRefusals++;
    return `${desk.name} ${cmd.type} ${cmd.orderId} refused locally ${err.code}`;
  }
}

/**
 * People work their queues: mostly an order that waits for them, sometimes any order they can
 * see (which may well be stale or finished, and must then be refused somewhere, visibly).
 */
function shownOrder(
  desk: SimDesk,
  pick: number,
  waitsForMe: (s: OrderState) => boolean,
): OrderState | null {
  const ids = desk.client.listOrderIds();
  if (ids.length === 0) return null;
  const shown = ids.flatMap((id) => {
    const o = desk.client.getOrder(id)?.order;
    return o ? [o] : [];
  });
  const queue = shown.filter(waitsForMe);
  const from = queue.length > 0 && pick < 0.85 ? queue : shown;
  const at = pick < 0.85 ? pick / 0.85 : (pick - 0.85) / 0.15;
  return from[Math.floor(at * from.length)] ?? null;
}

const sellerQueue = (s: OrderState): boolean =>
  (s.status === 'funds_held' && !s.refunds.some((r) => r.status === 'requested')) ||
  s.refunds.some((r) => r.status === 'requested' || r.status === 'awaiting_seller_confirm') ||
  s.claims.some((c) => c.status === 'awaiting_seller_evidence');

const agentQueue = (s: OrderState): boolean =>
  s.refunds.some((r) => r.status === 'escalated') ||
  s.claims.some((c) => c.status === 'submitted' || c.status === 'under_review');

export function sellerAct(world: World, a: Extract<Action, { kind: 'desk_act' }>): string {
  const desk = world.desks[a.desk] as SimDesk;
  const s = shownOrder(desk, a.pick, sellerQueue);
  if (!s) return `${desk.name} sees no order`;
  const c = a.choice;
  const requested = s.refunds.find((r) => r.status === 'requested');
  const returning = s.refunds.find((r) => r.status === 'awaiting_seller_confirm');
  const evidence = s.claims.find((cl) => cl.status === 'awaiting_seller_evidence');
  let cmd: EscrowCommand;
  if (requested && c < 0.9) {
    cmd =
      c < 0.55
        ? { type: 'agree_refund', orderId: s.orderId, refundId: requested.refundId }
        : {
            type: 'refuse_refund',
            orderId: s.orderId,
            refundId: requested.refundId,
            reason: 'goods were fine',
          };
  } else if (returning && c < 0.9) {
    cmd = { type: 'confirm_return', orderId: s.orderId, refundId: returning.refundId };
  } else if (evidence && c < 0.9) {
    cmd = {
      type: 'submit_seller_evidence',
      orderId: s.orderId,
      claimId: evidence.claimId,
      note: 'signed delivery slip attached',
      evidence: [],
    };
  } else {
    // Shipping is the everyday action; on an order that cannot ship it is refused somewhere.
    cmd = {
      type: 'ship',
      orderId: s.orderId,
      carrier: 'SF Express',
      trackingNo: `SF${s.orderId.slice(1)}${s.version}`,
    };
  }
  return enqueue(world, desk, cmd);
}

export async function agentAct(
  world: World,
  a: Extract<Action, { kind: 'agent_act' }>,
): Promise<string> {
  // A claim waiting for a second approval is taken by the senior agent, over HTTP.
  const waiting = await serverOrders(
    world,
    `state->'claims' @> '[{"status":"awaiting_second_approval"}]'::jsonb`,
  );
  if (waiting.length > 0 && a.choice < 0.5) {
    const s = waiting[Math.floor(a.pick * waiting.length)] as OrderState;
    const claim = s.claims.find((cl) => cl.status === 'awaiting_second_approval');
    if (claim) {
      const code = await command(
        world,
        'senior1',
        `/v1/orders/${s.orderId}/claims/${claim.claimId}/second-approval`,
        { approve: a.choice < 0.4, note: 'second look' },
        false,
      );
      return `senior1 second_approval ${s.orderId} ${code}`;
    }
  }
  const desk = world.agentDesk;
  const s = shownOrder(desk, a.pick, agentQueue);
  if (!s) return `${desk.name} sees no case`;
  const c = a.choice;
  const escalated = s.refunds.find((r) => r.status === 'escalated');
  const submitted = s.claims.find((cl) => cl.status === 'submitted');
  const review = s.claims.find((cl) => cl.status === 'under_review');
  let cmd: EscrowCommand | null = null;
  if (escalated) {
    cmd = {
      type: 'resolve_escalation',
      orderId: s.orderId,
      refundId: escalated.refundId,
      outcome: c < 0.6 ? 'refund' : 'close',
      note: 'platform decision',
    };
  } else if (submitted && c < 0.6) {
    cmd = { type: 'request_seller_evidence', orderId: s.orderId, claimId: submitted.claimId };
  } else if (review ?? submitted) {
    const claim = (review ?? submitted)!;
    cmd = {
      type: 'decide_claim',
      orderId: s.orderId,
      claimId: claim.claimId,
      decision: c < 0.55 ? 'approve' : c < 0.85 ? 'reject' : 'request_info',
      ...(c < 0.55 ? { amountFen: claim.amountFen } : {}),
      reasonCode: c < 0.55 ? 'fraud_verified' : 'insufficient_evidence',
      note: 'reviewed',
    };
  }
  if (!cmd) return `${desk.name} nothing to decide on ${s.orderId}`;
  return enqueue(world, desk, cmd);
}

/**
 * One sync round of one desk with the step's fault armed. A transient failure leaves the work
 * for a later round; a kill abandons the client mid-protocol and reopens its file.
 */
export async function deskSync(
  world: World,
  a: Extract<Action, { kind: 'desk_sync' }>,
): Promise<string> {
  const desk = world.desks[a.desk] as SimDesk;
  desk.transport.arm(a.fault, a.faultAt);
  try {
    await desk.client.syncOnce();
    return `${desk.name} synced${desk.transport.fired() ? ` despite ${a.fault}` : ''}`;
  } catch (err) {
    if (err instanceof DeskKilled) {
      desk.reopen();
      return `${desk.name} killed ${err.point}`;
    }
    const e = err as { name?: string; transient?: boolean; message?: string };
    if (e.name === 'ServerCallError' && e.transient)
      return `${desk.name} sync failed (${e.message})`;
    throw err;
  } finally {
    desk.transport.arm('none', 0);
  }
}

export function deskOffline(world: World, a: Extract<Action, { kind: 'desk_offline' }>): string {
  const desk = world.desks[a.desk] as SimDesk;
  desk.transport.offline = a.offline;
  return `${desk.name} ${a.offline ? 'offline' : 'online'}`;
}
