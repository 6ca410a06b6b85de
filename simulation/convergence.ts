import { isDeepStrictEqual } from 'node:util';
import { runDueTimers } from '../server/timers/timerScheduler.ts';
import { DEFAULT_POLICY } from '../shared/escrow/policy.ts';
import type { OrderState } from '../shared/escrow/types.ts';
import { agentOrderPredicate } from '../server/sync/syncScope.ts';
import { localScopedHead } from '../electron/core/replica/replicaVerification.ts';
import { scopedChainHead } from '../server/sync/scopedChainHead.ts';
import { SHARDS } from '../shared/ledger/shards.ts';
import type { SyncScope } from '../server/sync/syncScope.ts';
import { checkTimersApplied } from './clockActions.ts';
import type { SimDesk } from './simDesk.ts';
import { SimFailure } from './world.ts';
import type { World } from './world.ts';
import { masksRecipients, orderFor } from '../server/http/sellerView.ts';

/**
 * The network heals: every desk comes online, faults stop, and each desk syncs until a round
 * succeeds, twice over so each sees the others' work. Then every replica must equal the server
 * for its scope, nothing may be pending, and every mutation a desk ever enqueued must have
 * ended applied or rejected on the server — each rejection a visible sync issue on that desk.
 */
export async function healAndConverge(world: World): Promise<string> {
  world.counters.heals++;
  for (const d of world.desks) {
    d.transport.offline = false;
    d.transport.arm('none', 0);
  }
  await runDueTimers(world.server.db, world.server.clock, { policy: DEFAULT_POLICY });
  await checkTimersApplied(world);
  for (let pass = 0; pass < 2; pass++) {
    for (const d of world.desks) await d.client.syncOnce();
  }
  let applied = 0;
  let rejected = 0;
  for (const d of world.desks) {
    const r = await checkConverged(world, d);
    applied += r.applied;
    rejected += r.rejected;
  }
  return `converged: ${applied} applied, ${rejected} rejected`;
}

async function checkConverged(
  world: World,
  desk: SimDesk,
): Promise<{ applied: number; rejected: number }> {
  const fail = (what: string, ids: string[] = []) => {
    throw new SimFailure('converge', `${desk.name}: ${what}`, ids);
  };
  const db = world.server.db;
  const c = desk.client;
  if (c.pendingCount() !== 0) fail(`${c.pendingCount()} mutations still pending after healing`);
  const provisional = desk.db.prepare('SELECT count(*) FROM sync_provisional_orders').pluck().get();
  if (provisional !== 0) fail('provisional state left without pending mutations');

  const seller = desk.actor.role === 'seller_staff';
  const server = await db.query<{ order_id: string; state: OrderState }>(
    seller
      ? `SELECT order_id, state FROM orders WHERE merchant_id = $1 ORDER BY order_id`
      : `SELECT o.order_id, o.state FROM orders o WHERE ${agentOrderPredicate('$1', '$2')} ORDER BY order_id`,
    seller ? [desk.actor.merchantId] : [[...SHARDS], SHARDS.map(() => Number.MAX_SAFE_INTEGER)],
  );
  const local = new Map(
    (
      desk.db.prepare('SELECT order_id, state_json FROM sync_orders').all() as {
        order_id: string;
        state_json: string;
      }[]
    ).map((r) => [r.order_id, JSON.parse(r.state_json) as OrderState]),
  );
  for (const s of server.rows) {
    const mine = local.get(s.order_id);
    if (!mine) fail(`order ${s.order_id} never arrived`, [s.order_id]);
    // Compared with the order as this desk's user may read it (staff see the recipient
    // masked, sellers no agent's internal note), which is what the pull sends.
    else if (!isDeepStrictEqual(mine, orderFor(desk.actor, s.state)))
      fail(`order ${s.order_id} is v${mine.version} here, v${s.state.version} on the server`, [
        s.order_id,
      ]);
    local.delete(s.order_id);
  }
  // An agent keeps cases it once saw; a seller must hold nothing outside its merchant.
  if (seller && local.size > 0) fail(`holds orders the server does not: ${[...local.keys()]}`);

  // Every journal row of the scope, up to each shard's newest, and nothing else.
  const top = await db.query<{ shard: number; m: number }>(
    'SELECT shard, max(seq) AS m FROM ledger_transactions GROUP BY shard',
  );
  const upTo = new Map(top.rows.map((r) => [Number(r.shard), Number(r.m)]));
  const scope: SyncScope = seller
    ? {
        kind: 'merchant',
        merchantId: desk.actor.merchantId ?? '',
        maskRecipients: masksRecipients(desk.actor.role),
      }
    : { kind: 'agent' };
  const want = await scopedChainHead(db, scope, upTo);
  const have = localScopedHead(desk.db, upTo);
  if (want.head !== have.head || want.count !== have.count) {
    const detail = `holds ${have.count} journal rows of its scope, the server ${want.count}`;
    fail(detail);
  }
  const v = await c.verifyReplica();
  if (!v.ok) {
    const first = v.problems[0];
    fail(`replica verify: ${first?.code ?? 'not ok'} ${first?.detail ?? ''}`);
  }

  const results = await db.query<{
    mutation_id: number;
    command_id: string;
    status: string;
    error: { code: string } | null;
  }>('SELECT mutation_id, command_id, status, error FROM sync_results WHERE client_id = $1', [
    c.clientId,
  ]);
  const byId = new Map(results.rows.map((r) => [r.mutation_id, r]));
  const issues = new Map(c.issues({ includeAcknowledged: true }).map((i) => [i.mutationId, i]));
  let applied = 0;
  let rejected = 0;
  for (const m of desk.enqueued) {
    const r = byId.get(m.mutationId);
    if (!r) fail(`mutation ${m.mutationId} (${m.type}) never reached the server`, [m.orderId]);
    else if (r.command_id !== m.commandId)
      fail(`mutation ${m.mutationId} arrived under another command id`, [m.orderId]);
    else if (r.status === 'rejected') {
      rejected++;
      const issue = issues.get(m.mutationId);
      if (!issue)
        fail(`rejected mutation ${m.mutationId} (${m.type}) raised no issue`, [m.orderId]);
      else if (issue.error.code !== r.error?.code)
        fail(`issue for mutation ${m.mutationId} names ${issue.error.code}, not ${r.error?.code}`);
    } else {
      applied++;
      if (issues.has(m.mutationId)) fail(`applied mutation ${m.mutationId} raised an issue`);
    }
  }
  if (results.rowCount !== desk.enqueued.length)
    fail(
      `server processed ${results.rowCount} mutations, the desk enqueued ${desk.enqueued.length}`,
    );
  if (issues.size !== rejected) fail(`${issues.size} issues for ${rejected} rejections`);
  return { applied, rejected };
}
