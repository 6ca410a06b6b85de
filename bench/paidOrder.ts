import { decide } from '../shared/escrow/decide.ts';
import { evolve } from '../shared/escrow/evolve.ts';
import type { Actor, EscrowCommand, OrderState } from '../shared/escrow/types.ts';
import { chainHash } from '../shared/ledger/chainHash.ts';
import type { Sha256Hex } from '../shared/ledger/sha256.ts';
import { postingFor } from '../shared/ledger/postings.ts';
import type { Change, SyncedOrderEvent, SyncedTxn } from '../shared/sync/protocol.ts';
import { TEST_RECIPIENT } from '../test/fixtures/testRecipient.ts';

const BUYER: Actor = { role: 'buyer', userId: 'b1' };
const BANK: Actor = { role: 'bank', userId: 'bank:icbc' };

export interface PaidOrder {
  state: OrderState;
  /** Its journal rows, chained on from `prevHash` at `seq` as the server would post them. */
  txns: SyncedTxn[];
  /** Its timeline as the server's pull carries it. */
  timeline: SyncedOrderEvent[];
}

/**
 * One bench order of merchant m1, created by buyer b1 at `at` and paid half a second later,
 * through the shared rules (decide, evolve, postingFor) and the shared chain hash: the same
 * shape the server makes, written by the benches' bulk paths without going through it.
 */
/** What the server's pull carries for a paid order: the order, its journal rows, its timeline. */
export function pullChanges(o: PaidOrder): Change[] {
  return [
    { kind: 'order', order: o.state },
    ...o.txns.map((txn) => ({ kind: 'ledger_txn' as const, txn })),
    ...o.timeline.map((entry) => ({ kind: 'order_event' as const, entry })),
  ];
}

export function paidOrder(opts: {
  i: number;
  orderId: string;
  title: string;
  at: number;
  seq: number;
  prevHash: string;
  sha256: Sha256Hex;
}): PaidOrder {
  const { i, orderId, at } = opts;
  const amountFen = 1_000 + (i % 997) * 13;
  const steps: Array<[Actor, EscrowCommand, number, string]> = [
    [
      BUYER,
      {
        type: 'create_order',
        orderId,
        merchantId: 'm1',
        buyerId: 'b1',
        currency: 'CNY',
        amountFen,
        feeBps: 60,
        goodsKind: 'express',
        recipient: TEST_RECIPIENT,
        item: { title: opts.title, quantity: 1 },
      },
      at,
      `create-${orderId}`,
    ],
    [
      BANK,
      {
        type: 'confirm_payment',
        orderId,
        bank: 'icbc',
        bankRef: `ref${i}`,
        currency: 'CNY',
        amountFen,
      },
      at + 500,
      `pay-${orderId}`,
    ],
  ];
  let state: OrderState | null = null;
  let seq = opts.seq;
  let prevHash = opts.prevHash;
  const txns: SyncedTxn[] = [];
  const timeline: SyncedOrderEvent[] = [];
  for (const [actor, command, now, commandId] of steps) {
    const d = decide(state, command, { now, actor });
    if (!d.ok) throw new Error(d.error.message);
    for (const event of d.events) {
      // Posted against the state before the event, as the server's applyCommand does.
      const posting = state
        ? postingFor(event, state, { txnId: `t-${orderId}-${txns.length}`, commandId })
        : null;
      if (posting) {
        const body = {
          shard: posting.shard,
          seq,
          txnId: posting.txnId,
          commandId,
          kind: posting.kind,
          at: posting.at,
          currency: posting.currency,
          orderId,
          legs: posting.legs,
        };
        const hash = chainHash(prevHash, body, opts.sha256);
        txns.push({ ...body, prevHash, hash });
        prevHash = hash;
        seq++;
      }
      state = evolve(state, event);
      timeline.push({
        orderId,
        version: state.version,
        type: event.type,
        at: now,
        commandId,
        actor,
        event: event as unknown as Record<string, unknown>,
      });
    }
  }
  if (!state) throw new Error('no order');
  return { state, txns, timeline };
}
