import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { createSyncClient } from '../../../electron/core/sync/syncClient.ts';
import type { SyncTransport } from '../../../electron/core/sync/syncTransport.ts';
import type { Actor } from '../../../shared/escrow/types.ts';
import { GENESIS_HASH } from '../../../shared/ledger/chainHash.ts';
import type { Change } from '../../../shared/sync/protocol.ts';
import { paidOrdersPage } from '../../fixtures/pullPages.ts';
import { rowCounts, tempDb } from '../helpers/tempDb.ts';

// The server decides what a desk may see; a seller desk still stores nothing of another
// merchant that a faulty server (or something between) sends it: the page is refused whole,
// as a garbled answer, and the status says why.

const STAFF: Actor = { role: 'seller_staff', userId: 'staff1', merchantId: 'm1' };
const AGENT: Actor = { role: 'agent', userId: 'agent1' };

type Page = { cookie: string; changes: Change[]; more: boolean };

function deskPulling(t: TestContext, actor: Actor, pages: Page[]) {
  const { db } = tempDb(t);
  let next = 0;
  const transport: SyncTransport = {
    push: async () => ({ lastMutationId: 0, results: [] }),
    pull: async () => JSON.stringify({ lastMutationId: 0, ...pages[next++]! }),
    chain: async () => ({ upTo: '', count: 0, head: GENESIS_HASH }),
  };
  const client = createSyncClient({ db, transport, actor, now: () => 0 });
  t.after(() => client.stop());
  return { db, client };
}

/** Three paid orders of m1 (pd00000-pd00002), each with its order, journal row and timeline. */
const changes = (): Change[] =>
  paidOrdersPage({ orders: 3, cookie: 'c1', more: false }).changes.map(
    (c) => JSON.parse(JSON.stringify(c)) as Change,
  );
const page = (cs: Change[], cookie = 'c1', more = false): Page => ({ cookie, changes: cs, more });

async function refused(t: TestContext, cs: Change[], why: RegExp) {
  const desk = deskPulling(t, STAFF, [page(cs)]);
  const before = rowCounts(desk.db);
  await assert.rejects(desk.client.syncOnce(), why);
  assert.deepEqual(rowCounts(desk.db), before, 'nothing of the page is stored');
  const status = desk.client.status();
  assert.equal(status.state, 'error');
  assert.match(status.message ?? '', why);
}

test("a page with another merchant's order is refused whole", async (t) => {
  const cs = changes();
  const order = cs.find((c) => c.kind === 'order' && c.order.orderId === 'pd00001')!;
  if (order.kind === 'order') order.order.merchantId = 'm2';
  await refused(t, cs, /outside this desk's scope: order pd00001 of another merchant/);
});

test('a journal row of an order neither on the page nor stored is refused', async (t) => {
  const cs = changes().filter((c) => !(c.kind === 'order' && c.order.orderId === 'pd00002'));
  await refused(t, cs, /outside this desk's scope: journal row t-pd00002-0/);
});

test('a timeline entry of an order neither on the page nor stored is refused', async (t) => {
  const cs = changes().filter(
    (c) =>
      !(c.kind === 'order' && c.order.orderId === 'pd00001') &&
      !(c.kind === 'ledger_txn' && c.txn.orderId === 'pd00001'),
  );
  await refused(t, cs, /outside this desk's scope: timeline entry of pd00001/);
});

test("a journal row of no order that moves only another merchant's accounts is refused", async (t) => {
  const cs = changes();
  const txn = cs.find((c) => c.kind === 'ledger_txn')!;
  if (txn.kind === 'ledger_txn') {
    txn.txn.orderId = null;
    txn.txn.legs = [
      { account: 'merchant:m2:available', amountFen: -500 },
      { account: 'platform:bank:icbc', amountFen: 500 },
    ];
  }
  await refused(t, cs, /outside this desk's scope: journal row/);
});

test("the merchant's own rows pass: its accounts, and an order stored by an earlier page", async (t) => {
  const first = changes();
  const later = first.filter((c) => c.kind === 'ledger_txn' && c.txn.orderId === 'pd00000');
  const own = JSON.parse(JSON.stringify(later[0])) as Change;
  if (own.kind === 'ledger_txn') {
    own.txn.txnId = 'w-1';
    own.txn.seq = 99;
    own.txn.orderId = null;
    own.txn.legs = [
      { account: 'merchant:m1:available', amountFen: -500 },
      { account: 'platform:bank:icbc', amountFen: 500 },
    ];
  }
  // Page 2 carries journal rows only: pd00000's row again, and a withdrawal-like row.
  const desk = deskPulling(t, STAFF, [page(first, 'c1', true), page([...later, own], 'c2')]);
  await desk.client.syncOnce();
  assert.equal(desk.client.status().state, 'idle');
  assert.equal(desk.client.listOrderIds().length, 3);
  const stored = desk.db.prepare("SELECT count(*) FROM sync_txns WHERE txn_id = 'w-1'").pluck();
  assert.equal(stored.get(), 1);
});

/** The page's orders made disputed: the first with a claim, the others with escalated refunds. */
function disputedChanges(): Change[] {
  const cs = changes();
  let n = 0;
  for (const c of cs) {
    if (c.kind !== 'order') continue;
    const o = c.order as unknown as { claims: unknown[]; refunds: unknown[]; merchantId: string };
    o.merchantId = `m${n + 2}`;
    if (n++ === 0) o.claims.push({ claimId: 'cl-1', status: 'submitted' });
    else o.refunds.push({ refundId: `r-${n}`, status: 'escalated', escalatedAt: 5 });
  }
  return cs;
}

async function agentRefused(t: TestContext, cs: Change[], why: RegExp) {
  const desk = deskPulling(t, AGENT, [page(cs)]);
  const before = rowCounts(desk.db);
  await assert.rejects(desk.client.syncOnce(), why);
  assert.deepEqual(rowCounts(desk.db), before, 'nothing of the page is stored');
}

test("an agents' desk takes disputed orders of any merchant, with their rows", async (t) => {
  const desk = deskPulling(t, AGENT, [page(disputedChanges())]);
  await desk.client.syncOnce();
  assert.equal(desk.client.status().state, 'idle');
  assert.equal(desk.client.listOrderIds().length, 3);
});

test("an agents' desk refuses an order that never had a claim or an escalated refund", async (t) => {
  const cs = disputedChanges();
  const order = cs.filter((c) => c.kind === 'order')[1]!;
  if (order.kind === 'order') order.order.refunds = [];
  await agentRefused(t, cs, /outside this desk's scope: order pd00001 with no claim/);
});

test("an agents' desk takes an order's earlier states beside the one that shows its claim", async (t) => {
  // The server's back-fill: the state before the claim, then the one with it, on one page.
  const cs = disputedChanges();
  const first = cs.find((c) => c.kind === 'order')!;
  const earlier = JSON.parse(JSON.stringify(first)) as Change;
  if (earlier.kind === 'order') {
    earlier.order.claims = [];
    earlier.order.version -= 1;
  }
  const desk = deskPulling(t, AGENT, [page([earlier, ...cs])]);
  await desk.client.syncOnce();
  assert.equal(desk.client.listOrderIds().length, 3);
});

test("an agents' desk refuses journal rows and timeline entries of orders outside its scope", async (t) => {
  const cs = disputedChanges();
  const orphanTxn = cs.filter((c) => c.kind !== 'order' || c.order.orderId !== 'pd00002');
  await agentRefused(t, orphanTxn, /outside this desk's scope: journal row t-pd00002-0/);
  const noOrder = disputedChanges().map((c) => {
    if (c.kind === 'ledger_txn' && c.txn.orderId === 'pd00000') c.txn.orderId = null;
    return c;
  });
  await agentRefused(t, noOrder, /outside this desk's scope: journal row t-pd00000-0/);
});
