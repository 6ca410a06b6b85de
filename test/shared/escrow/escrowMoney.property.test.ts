import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide } from '../../../shared/escrow/decide.ts';
import { nextTimerAt } from '../../../shared/escrow/deadlines.ts';
import { evolve } from '../../../shared/escrow/evolve.ts';
import { DEFAULT_POLICY } from '../../../shared/escrow/policy.ts';
import type {
  Actor,
  EscrowCommand,
  EscrowEvent,
  OrderState,
} from '../../../shared/escrow/types.ts';
import { ESCROW_COMMAND_TYPES, FINAL_ORDER_STATUSES } from '../../../shared/escrow/types.ts';
import { account, normalBalance } from '../../../shared/ledger/accounts.ts';
import { postingFor } from '../../../shared/ledger/postings.ts';
import { DAY_MS, HOUR_MS } from '../../../shared/time.ts';
import { recipientFor } from '../../fixtures/testRecipient.ts';

/**
 * Random command sequences and clock jumps over a few orders, with the ledger postings derived
 * from every event. After each step the money invariants of DESIGN.md must hold. fast-check
 * prints the seed and the shrunk sequence of a failure; replay it with `{ seed, path }`.
 */

const ORDERS = 3;
const ORDER_AMOUNTS_FEN = [1, 999, 100_000, 1_234_567];
const FEE_BPS = [0, 60, 10_000];
const JUMPS_MS = [HOUR_MS, DAY_MS, 3 * DAY_MS, 5 * DAY_MS, 7 * DAY_MS, 10 * DAY_MS, 30 * DAY_MS];
const T0 = Date.UTC(2026, 0, 1);

const KINDS = ESCROW_COMMAND_TYPES;

interface Action {
  order: number;
  kind: (typeof KINDS)[number];
  jumpMs: number;
  pct: number;
  flag: boolean;
  pick: number;
  /** Most steps take an action that fits the state, so sequences get deep into the flows. */
  sensible: boolean;
  choice: number;
}

const actionArb: fc.Arbitrary<Action> = fc.record({
  order: fc.nat({ max: ORDERS - 1 }),
  kind: fc.constantFrom(...KINDS),
  jumpMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: HOUR_MS }),
    fc.constantFrom(...JUMPS_MS),
    fc.integer({ min: 0, max: 40 * DAY_MS }),
  ),
  pct: fc.integer({ min: 1, max: 100 }),
  flag: fc.boolean(),
  pick: fc.nat({ max: 3 }),
  sensible: fc.nat({ max: 9 }).map((n) => n < 8),
  choice: fc.nat({ max: 1000 }),
});

type Kind = Action['kind'];
const REFUND_NEXT: Record<string, Kind[]> = {
  requested: ['agree_refund', 'refuse_refund', 'cancel_refund', 'advance_timers'],
  awaiting_return: ['ship_return', 'cancel_refund', 'advance_timers'],
  awaiting_seller_confirm: ['confirm_return', 'refuse_refund', 'advance_timers'],
  refused: ['escalate_refund', 'cancel_refund', 'advance_timers'],
  escalated: ['resolve_escalation'],
};
const CLAIM_NEXT: Record<string, Kind[]> = {
  submitted: ['request_seller_evidence', 'decide_claim'],
  awaiting_seller_evidence: ['submit_seller_evidence', 'decide_claim', 'advance_timers'],
  under_review: ['decide_claim'],
  info_requested: ['provide_claim_info', 'advance_timers'],
  awaiting_second_approval: ['second_approval'],
};
const ORDER_NEXT: Record<string, Kind[]> = {
  awaiting_payment: ['confirm_payment', 'confirm_payment', 'advance_timers'],
  funds_held: ['ship', 'ship', 'request_refund', 'file_claim'],
  shipped: ['confirm_receipt', 'extend_receipt', 'request_refund', 'file_claim', 'advance_timers'],
  completed: ['file_claim'],
  partially_refunded: ['file_claim'],
};

/** The kinds that fit the order's state now (the caller may still pick a random one). */
function fittingKinds(s: OrderState | null): Kind[] {
  if (!s) return ['create_order'];
  const kinds = [...(ORDER_NEXT[s.status] ?? ['advance_timers'])];
  for (const r of s.refunds) kinds.push(...(REFUND_NEXT[r.status] ?? []));
  for (const c of s.claims) kinds.push(...(CLAIM_NEXT[c.status] ?? []));
  return kinds;
}

const agents: Actor[] = [
  { role: 'agent', userId: 'a-1' },
  { role: 'senior_agent', userId: 'sa-1' },
  { role: 'senior_agent', userId: 'sa-2' },
  { role: 'senior_agent', userId: 'sa-1' },
];
const share = (totalFen: number, pct: number) => Math.max(1, Math.floor((totalFen * pct) / 100));

/** A command of the action's kind, filled from the order's state so that many are accepted. */
function build(
  i: number,
  s: OrderState | null,
  a: Action,
): { command: EscrowCommand; actor: Actor } {
  const orderId = `o-${i}`;
  const buyer: Actor = { role: 'buyer', userId: `b-${i}` };
  const merchantId = `m-${i % 2}`;
  const seller: Actor = { role: 'seller_staff', userId: `s-${i % 2}`, merchantId };
  const agent = agents[a.pick] ?? agents[0]!;
  const refunds = s?.refunds ?? [];
  const claims = s?.claims ?? [];
  const refund = refunds[Math.max(0, refunds.length - 1 - (a.pick % 2))];
  const claim = claims[Math.max(0, claims.length - 1 - (a.pick % 2))];
  const refundId = refund?.refundId ?? 'r-0';
  const claimId = claim?.claimId ?? 'c-0';
  const tracking = { carrier: 'SF', trackingNo: `SF${1000 + a.pct}` };
  switch (a.kind) {
    case 'create_order':
      return {
        actor: buyer,
        command: {
          type: 'create_order',
          orderId,
          merchantId,
          buyerId: buyer.userId,
          currency: 'CNY',
          amountFen: ORDER_AMOUNTS_FEN[a.pick] ?? 1,
          feeBps: FEE_BPS[a.pct % FEE_BPS.length] ?? 0,
          goodsKind: (['express', 'surface', 'virtual'] as const)[a.pct % 3] ?? 'express',
          ...recipientFor((['express', 'surface', 'virtual'] as const)[a.pct % 3]),
          item: { title: 'thing', quantity: 1 },
        },
      };
    case 'confirm_payment':
      return {
        actor: { role: 'bank', userId: 'bank:icbc' },
        command: {
          type: 'confirm_payment',
          orderId,
          bank: 'icbc',
          bankRef: `ref-${i}`,
          currency: 'CNY',
          // Now and then a wrong amount, which must be refused.
          amountFen: (s?.amountFen ?? 1) + (a.pct === 100 ? 1 : 0),
        },
      };
    case 'ship':
      return { actor: seller, command: { type: 'ship', orderId, ...tracking } };
    case 'annotate_order':
      // Never picked by fittingKinds (it moves no money); kept total for the switch.
      return { actor: seller, command: { type: a.kind, orderId, note: '', flag: null } };
    case 'confirm_receipt':
    case 'extend_receipt':
      return { actor: buyer, command: { type: a.kind, orderId } };
    case 'request_refund':
      return {
        actor: buyer,
        command: {
          type: 'request_refund',
          orderId,
          refundId: `r-${a.pick === 0 ? 0 : refunds.length}`,
          kind: a.flag ? 'refund_only' : 'return_and_refund',
          amountFen: a.pct > 70 ? (s?.heldFen ?? 1) || 1 : share(s?.heldFen ?? 1, a.pct),
          reason: 'why not',
        },
      };
    case 'agree_refund':
    case 'confirm_return':
      return { actor: seller, command: { type: a.kind, orderId, refundId } };
    case 'refuse_refund':
      return { actor: seller, command: { type: a.kind, orderId, refundId, reason: 'no' } };
    case 'ship_return':
      return { actor: buyer, command: { type: a.kind, orderId, refundId, ...tracking } };
    case 'cancel_refund':
    case 'escalate_refund':
      return { actor: buyer, command: { type: a.kind, orderId, refundId } };
    case 'resolve_escalation':
      return {
        actor: agent,
        command: {
          type: a.kind,
          orderId,
          refundId,
          outcome: a.flag ? 'refund' : 'close',
          ...(a.pct > 50 ? {} : { amountFen: share(refund?.amountFen ?? 1, a.pct * 2 + 1) }),
          note: '',
        },
      };
    case 'file_claim': {
      const leftFen = s ? s.amountFen - s.refundedFen - s.compensatedFen : 1;
      return {
        actor: buyer,
        command: {
          type: a.kind,
          orderId,
          claimId: `c-${a.pick === 0 ? 0 : claims.length}`,
          amountFen: a.pct > 70 ? Math.max(1, leftFen) : share(leftFen, a.pct),
          reason: 'fraud',
          evidence: [],
        },
      };
    }
    case 'request_seller_evidence':
      return { actor: agent, command: { type: a.kind, orderId, claimId } };
    case 'submit_seller_evidence':
      return { actor: seller, command: { type: a.kind, orderId, claimId, note: '', evidence: [] } };
    case 'provide_claim_info':
      return { actor: buyer, command: { type: a.kind, orderId, claimId, note: '', evidence: [] } };
    case 'decide_claim':
      return {
        actor: agent,
        command: {
          type: a.kind,
          orderId,
          claimId,
          decision: a.pct <= 50 ? 'approve' : a.flag ? 'reject' : 'request_info',
          ...(a.flag ? {} : { amountFen: share(claim?.amountFen ?? 1, a.pct * 2 + 5) }),
          reasonCode: 'r',
          note: '',
        },
      };
    case 'second_approval':
      return {
        actor: agent,
        command: { type: a.kind, orderId, claimId, approve: a.flag, note: 'checked' },
      };
    case 'advance_timers':
      return {
        actor: { role: 'system', userId: 'system:timers' },
        command: { type: a.kind, orderId },
      };
  }
}

interface World {
  now: number;
  orders: (OrderState | null)[];
  eventCounts: number[];
  balances: Map<string, number>;
  resolutions: Map<string, number>;
  compensations: Map<string, { count: number; fen: number }>;
  txn: number;
}

/** Which event kinds the generator reached over all runs, so a toothless generator is caught. */
const seen = new Map<string, number>();
const see = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);

function post(world: World, before: OrderState, event: EscrowEvent) {
  const n = ++world.txn;
  const p = postingFor(event, before, { txnId: `t-${n}`, commandId: `cmd-${n}` });
  if (!p) return;
  assert.equal(
    p.legs.reduce((sum, l) => sum + l.amountFen, 0),
    0,
    `${event.type} posting does not balance`,
  );
  for (const leg of p.legs) {
    assert.ok(Number.isSafeInteger(leg.amountFen), 'leg amount is not a safe integer');
    world.balances.set(leg.account, (world.balances.get(leg.account) ?? 0) + leg.amountFen);
  }
}

function apply(world: World, i: number, a: Action) {
  world.now += a.jumpMs;
  const s = world.orders[i] ?? null;
  const fitting = fittingKinds(s);
  const kind = a.sensible ? (fitting[a.choice % fitting.length] ?? a.kind) : a.kind;
  const { command, actor } = build(i, s, { ...a, kind });
  const ctx = { now: world.now, actor };
  const d = decide(s, command, ctx);
  assert.deepEqual(decide(s, command, ctx), d, 'decide is not deterministic');
  if (!d.ok) {
    see(`rejected:${d.error.code}`);
    return;
  }
  let state = s;
  for (const e of d.events) {
    assert.ok(e.at <= world.now, `${e.type} is dated in the future`);
    see(e.type === 'escrow_resolved' ? `escrow_resolved:${e.resolution}:${e.cause}` : e.type);
    if (state) post(world, state, e);
    if (e.type === 'escrow_resolved') {
      world.resolutions.set(`o-${i}`, (world.resolutions.get(`o-${i}`) ?? 0) + 1);
    }
    if (e.type === 'compensation_paid') {
      const c = world.compensations.get(`o-${i}/${e.claimId}`) ?? { count: 0, fen: 0 };
      world.compensations.set(`o-${i}/${e.claimId}`, {
        count: c.count + 1,
        fen: c.fen + e.amountFen,
      });
    }
    state = evolve(state, e);
  }
  assert.deepEqual(d.state, state, "decide's state is the fold of its events");
  world.orders[i] = state;
  world.eventCounts[i] = (world.eventCounts[i] ?? 0) + d.events.length;
  if (command.type === 'advance_timers' && state) {
    const next = nextTimerAt(state, DEFAULT_POLICY);
    assert.ok(next === null || next > world.now, 'a due timer was left unfired');
  }
}

/** The balance as people read it; `+ 0` folds the -0 of an untouched credit account into 0. */
const balanceOf = (world: World, name: string) =>
  normalBalance(name, world.balances.get(name) ?? 0) + 0;

function check(world: World) {
  const merchantFen = new Map<string, number>();
  let feesFen = 0;
  world.orders.forEach((s, i) => {
    if (!s) return;
    assert.equal(s.version, world.eventCounts[i], 'version is not the number of events');
    const escrowFen = balanceOf(world, account.escrow(s.orderId));
    assert.equal(escrowFen, s.heldFen, `${s.orderId}: escrow balance differs from heldFen`);
    assert.ok(s.heldFen >= 0, `${s.orderId}: negative hold`);
    const paidFen = s.paidAt === null ? 0 : s.amountFen;
    assert.equal(
      s.heldFen + s.releasedFen + s.feeFen + s.refundedFen,
      paidFen,
      `${s.orderId}: held + released + fee + refunded is not the paid amount`,
    );
    if (FINAL_ORDER_STATUSES.includes(s.status))
      assert.equal(s.heldFen, 0, `${s.orderId}: final but holding`);
    assert.ok((world.resolutions.get(s.orderId) ?? 0) <= 1, `${s.orderId}: escrow resolved twice`);
    assert.ok(
      s.refundedFen + s.compensatedFen <= s.amountFen,
      `${s.orderId}: buyer got back more than paid`,
    );
    const buyerFen = balanceOf(world, account.buyerRefundable(s.buyerId));
    assert.equal(buyerFen, s.refundedFen + s.compensatedFen, `${s.orderId}: buyer balance`);
    for (const c of s.claims) {
      const comp = world.compensations.get(`${s.orderId}/${c.claimId}`);
      if (comp) {
        assert.equal(comp.count, 1, `${c.claimId}: compensation paid more than once`);
        assert.ok(comp.fen <= c.amountFen, `${c.claimId}: compensation above the claim`);
        assert.equal(c.source, 'guarantee_fund');
      }
      assert.ok(c.paidFen <= c.amountFen, `${c.claimId}: paid above the claim`);
    }
    assert.ok(
      s.refunds.filter((r) =>
        [
          'requested',
          'awaiting_return',
          'awaiting_seller_confirm',
          'refused',
          'escalated',
        ].includes(r.status),
      ).length <= 1,
    );
    merchantFen.set(s.merchantId, (merchantFen.get(s.merchantId) ?? 0) + s.releasedFen);
    feesFen += s.feeFen;
  });
  for (const [m, fen] of merchantFen) {
    assert.equal(balanceOf(world, account.merchantAvailable(m)), fen, `${m}: available balance`);
  }
  assert.equal(balanceOf(world, account.fees()), feesFen, 'fee balance');
  let total = 0;
  for (const v of world.balances.values()) total += v;
  assert.equal(total, 0, 'the ledger does not sum to zero');
}

test('money is never lost, duplicated or invented across random command sequences', () => {
  fc.assert(
    fc.property(fc.array(actionArb, { minLength: 1, maxLength: 100, size: 'max' }), (actions) => {
      const world: World = {
        now: T0,
        orders: Array.from({ length: ORDERS }, () => null),
        eventCounts: Array.from({ length: ORDERS }, () => 0),
        balances: new Map(),
        resolutions: new Map(),
        compensations: new Map(),
        txn: 0,
      };
      for (const a of actions) {
        apply(world, a.order, a);
        check(world);
      }
    }),
    { numRuns: 300 },
  );
  if (process.env.ESCROW_PROP_STATS) console.log(Object.fromEntries([...seen].sort()));
  // The generator must actually reach the interesting money paths, or the checks prove nothing.
  for (const key of [
    'escrow_resolved:release:buyer_confirmed',
    'escrow_resolved:release:auto_confirmed',
    'escrow_resolved:refund:refund',
    'escrow_resolved:split:refund',
    'escrow_resolved:split:claim',
    'compensation_paid',
    'auto_confirm_paused',
    'auto_confirm_resumed',
    'order_closed_unpaid',
  ]) {
    assert.ok((seen.get(key) ?? 0) > 0, `the generator never produced ${key}`);
  }
});
