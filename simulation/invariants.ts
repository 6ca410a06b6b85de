import { isDeepStrictEqual } from 'node:util';
import { replicaCheckpoint } from '../electron/core/replica/replicaVerification.ts';
import { signedBalance } from '../server/ledger/balances.ts';
import { verifyLedger } from '../server/ledger/verifyLedger.ts';
import { scopedChainHead } from '../server/sync/scopedChainHead.ts';
import { chainAsOf } from '../server/sync/syncCookie.ts';
import { encodeShardVector } from '../shared/sync/shardVector.ts';
import type { SyncScope } from '../server/sync/syncScope.ts';
import { timerDeadlines } from '../shared/escrow/deadlines.ts';
import { evolve } from '../shared/escrow/evolve.ts';
import { DEFAULT_POLICY } from '../shared/escrow/policy.ts';
import type { EscrowEvent, OrderState } from '../shared/escrow/types.ts';
import { account } from '../shared/ledger/accounts.ts';
import type { SimDesk } from './simDesk.ts';
import { GUARANTEE_FUND_FEN, MERCHANT_DEPOSIT_FEN } from './simServer.ts';
import { checkReconciliation } from './treasuryActions.ts';
import { SimFailure } from './world.ts';
import type { World } from './world.ts';
import { masksRecipients, orderFor } from '../server/http/sellerView.ts';

/**
 * The invariants checked after every step (the convergence check runs on `heal`, see
 * convergence.ts). Each throws a SimFailure naming the invariant; none repairs anything.
 */
export async function checkInvariants(world: World): Promise<void> {
  await checkServerLedger(world);
  await checkBankMoney(world);
  await checkReconciliation(world);
  const events = await checkOrderStreams(world);
  for (const desk of world.desks) await checkReplica(world, desk, events);
  world.counters.invariantChecks++;
}

/** Every ledger invariant of DESIGN.md, recomputed from the server's journal. */
async function checkServerLedger(world: World): Promise<void> {
  const v = await verifyLedger(world.server.db);
  if (v.problems.length > 0)
    throw new SimFailure(
      'server_ledger_verifies',
      v.problems
        .slice(0, 5)
        .map((p) => `${p.code}: ${p.detail}`)
        .join('; '),
    );
}

/**
 * Money conserved: the bank account holds exactly the funding plus the payments the bank made,
 * each counted once, whatever was repeated, forged or late, less the payouts it made, each once.
 */
async function checkBankMoney(world: World): Promise<void> {
  const signed = await signedBalance(world.server.db, account.bank('icbc'), 'CNY');
  let expected = GUARANTEE_FUND_FEN + MERCHANT_DEPOSIT_FEN;
  for (const fen of world.paid.values()) expected += fen;
  expected -= world.treasury.paidOutFen;
  if (signed !== expected)
    throw new SimFailure('money_conserved', `bank holds ${signed} fen, the bank sent ${expected}`);
}

interface StoredEvent {
  order_id: string;
  version: number;
  command_id: string;
  event: EscrowEvent;
}

/**
 * Each order's stored state is its event stream folded with `evolve`; each timer firing was
 * due (its deadline at or before the firing) and no deadline fired twice. Only orders whose
 * version moved since the last check are replayed.
 */
async function checkOrderStreams(world: World): Promise<Map<string, EscrowEvent[]>> {
  const db = world.server.db;
  const orders = await db.query<{ order_id: string; version: number; state: OrderState }>(
    'SELECT order_id, version, state FROM orders ORDER BY order_id',
  );
  const changed = orders.rows.filter((o) => world.checkedVersion.get(o.order_id) !== o.version);
  if (changed.length > 0) {
    const ids = changed.map((o) => o.order_id);
    const rows = await db.query<StoredEvent>(
      `SELECT order_id, version, command_id, event FROM order_events
       WHERE order_id = ANY($1) ORDER BY order_id, version`,
      [ids],
    );
    const byOrder = new Map<string, StoredEvent[]>();
    for (const r of rows.rows) {
      const list = byOrder.get(r.order_id) ?? [];
      list.push(r);
      byOrder.set(r.order_id, list);
    }
    for (const o of changed) {
      const stream = byOrder.get(o.order_id) ?? [];
      checkStream(world, o.order_id, o.state, stream);
      world.eventCache.set(
        o.order_id,
        stream.map((e) => e.event),
      );
      world.checkedVersion.set(o.order_id, o.version);
    }
  }
  return world.eventCache;
}

function checkStream(world: World, orderId: string, stored: OrderState, stream: StoredEvent[]) {
  let state: OrderState | null = null;
  const fired = world.firedTimers.get(orderId) ?? new Set<string>();
  world.firedTimers.set(orderId, fired);
  let lastTimerCommand: string | null = null;
  for (const [i, e] of stream.entries()) {
    if (e.version !== i + 1)
      throw new SimFailure(
        'event_stream',
        `${orderId} has event version ${e.version} at ${i + 1}`,
        [orderId],
      );
    if (e.command_id.startsWith('timer:') && e.command_id !== lastTimerCommand && state) {
      lastTimerCommand = e.command_id;
      const at = e.event.at;
      const due = timerDeadlines(state, DEFAULT_POLICY).filter((d) => d.at <= at);
      const first = due[0];
      if (!first)
        throw new SimFailure(
          'timer_not_early',
          `${orderId} v${e.version}: ${e.event.type} at ${at} with no timer due`,
          [orderId],
        );
      const key = `${first.kind}/${first.refundId ?? first.claimId ?? ''}/${first.at}`;
      if (fired.has(key) && !world.checkedTimerCommands.has(e.command_id))
        throw new SimFailure('timer_once', `${orderId}: ${key} fired twice`, [orderId]);
      fired.add(key);
      world.checkedTimerCommands.add(e.command_id);
    }
    state = evolve(state, e.event);
  }
  if (!isDeepStrictEqual(state, stored))
    throw new SimFailure(
      'state_is_replay',
      `${orderId}: stored v${stored.version} differs from its ${stream.length} events replayed`,
      [orderId],
    );
}

/** The state an order had at `version`, from its server event stream. */
function stateAt(events: EscrowEvent[], version: number): OrderState | null {
  let s: OrderState | null = null;
  for (const e of events.slice(0, version)) s = evolve(s, e);
  return s;
}

/**
 * A replica holds only what the server had: balanced journal rows, balances equal to their
 * entries, a scoped hash chain equal to the server's up to its newest row, and each order in a
 * state the server's order actually passed through.
 */
async function checkReplica(
  world: World,
  desk: SimDesk,
  events: Map<string, EscrowEvent[]>,
): Promise<void> {
  const db = desk.db;
  const fail = (what: string, ids: string[] = []) => {
    throw new SimFailure('replica', `${desk.name}: ${what}`, ids);
  };
  const txns = db
    .prepare('SELECT shard, seq, txn_id, currency, legs_json FROM sync_txns ORDER BY shard, seq')
    .all() as { shard: number; seq: number; txn_id: string; currency: string; legs_json: string }[];
  const sums = new Map<string, number>();
  for (const t of txns) {
    const legs = JSON.parse(t.legs_json) as { account: string; amountFen: number }[];
    if (legs.length < 2 || legs.reduce((s, l) => s + l.amountFen, 0) !== 0)
      fail(`journal row ${t.shard}:${t.seq} does not balance`);
    for (const l of legs) {
      const k = `${t.currency} ${l.account}`;
      sums.set(k, (sums.get(k) ?? 0) + l.amountFen);
    }
  }
  const balances = db.prepare('SELECT currency, account, balance_fen FROM sync_balances').all() as {
    currency: string;
    account: string;
    balance_fen: number;
  }[];
  for (const b of balances) {
    const k = `${b.currency} ${b.account}`;
    if ((sums.get(k) ?? 0) !== b.balance_fen) fail(`balance of ${k} is not the sum of its rows`);
    sums.delete(k);
  }
  for (const [k, v] of sums) if (v !== 0) fail(`no balance row for ${k}`);

  // As the desk's own verification does: once its bootstrap has finished (a desk killed
  // mid-bootstrap holds some orders whole and others not yet, seed 49), and as of its cookie (the
  // agents' scope grows when a claim is filed; rows not sent yet are not a divergence).
  const at = replicaCheckpoint(db);
  if (at.upTo.size > 0 && at.complete) {
    const scope: SyncScope =
      desk.actor.role === 'seller_staff'
        ? {
            kind: 'merchant',
            merchantId: desk.actor.merchantId ?? '',
            maskRecipients: masksRecipients(desk.actor.role),
          }
        : { kind: 'agent' };
    const server = await scopedChainHead(
      world.server.db,
      scope,
      at.upTo,
      chainAsOf(at.cookie ?? undefined),
    );
    if (server.head !== at.local.head || server.count !== at.local.count) {
      fail(
        `journal chain differs from the server's up to ${encodeShardVector(at.upTo)} (${at.local.count} vs ${server.count} rows)`,
      );
    }
  }

  const orders = db.prepare('SELECT order_id, version, state_json FROM sync_orders').all() as {
    order_id: string;
    version: number;
    state_json: string;
  }[];
  for (const o of orders) {
    const stream = events.get(o.order_id);
    if (!stream || stream.length < o.version)
      fail(`order ${o.order_id} v${o.version} is ahead of the server`, [o.order_id]);
    // As this desk's user may read it: staff hold the recipient masked (server/http/sellerView.ts).
    const had = stateAt(stream ?? [], o.version);
    if (!isDeepStrictEqual(JSON.parse(o.state_json), had && orderFor(desk.actor, had)))
      fail(`order ${o.order_id} v${o.version} is not a state the server's order had`, [o.order_id]);
  }
}
