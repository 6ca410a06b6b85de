// Child process of crash.test.ts: applies escrow commands in a loop (single commands and
// batches) until it is SIGKILLed, appending the id of every command it saw committed to an
// acknowledgement file. The parent checks that all of those survived and nothing is half-done.
// Usage: node --import tsx crashChild.ts <db file> <ack file> <round>
import { closeSync, openSync, writeSync } from 'node:fs';
import { createEscrowService } from '../../../electron/core/escrow/escrowService.ts';
import { openDatabase } from '../../../electron/core/store/openDatabase.ts';
import type { Actor, CommandEnvelope } from '../../../shared/escrow/types.ts';
import { DAY_MS } from '../../../shared/time.ts';

const [dbFile, ackFile, roundArg] = process.argv.slice(2);
if (!dbFile || !ackFile || !roundArg) throw new Error('usage: crashChild <db> <acks> <round>');
const round = Number(roundArg);

// A small deterministic PRNG (mulberry32) so a failing round can be replayed from its number.
let seed = round * 2654435761;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const db = openDatabase(dbFile);
const svc = createEscrowService(db);
const acks = openSync(ackFile, 'a');
const buyer: Actor = { role: 'buyer', userId: 'b1' };
const bank: Actor = { role: 'bank', userId: 'bank:icbc' };
const agent: Actor = { role: 'agent', userId: 'agent-1' };
const seller = (m: string): Actor => ({ role: 'seller_staff', userId: `s-${m}`, merchantId: m });
const T0 = Date.UTC(2026, 0, 5) + round * 100 * DAY_MS;

/** Every order's remaining script; each step is one command. */
function script(orderId: string, n: number): CommandEnvelope[] {
  const m = `m${n % 3}`;
  const amountFen = 1_000 + ((n * 7919) % 50_000);
  const id = (s: string) => `${orderId}-${s}`;
  const steps: CommandEnvelope[] = [
    {
      commandId: id('create'),
      actor: buyer,
      command: {
        type: 'create_order',
        orderId,
        merchantId: m,
        buyerId: 'b1',
        currency: 'CNY',
        amountFen,
        feeBps: 60,
        goodsKind: 'express',
        item: { title: 'Tea', quantity: 1 },
      },
    },
    {
      commandId: id('pay'),
      actor: bank,
      command: {
        type: 'confirm_payment',
        orderId,
        bank: 'ICBC',
        bankRef: orderId,
        currency: 'CNY',
        amountFen,
      },
    },
  ];
  if (n % 5 === 0) {
    steps.push(
      {
        commandId: id('refund'),
        actor: buyer,
        command: {
          type: 'request_refund',
          orderId,
          refundId: `${orderId}-r`,
          kind: 'refund_only',
          amountFen,
          reason: 'changed mind',
        },
      },
      {
        commandId: id('agree'),
        actor: seller(m),
        command: { type: 'agree_refund', orderId, refundId: `${orderId}-r` },
      },
    );
    return steps;
  }
  steps.push(
    {
      commandId: id('ship'),
      actor: seller(m),
      command: { type: 'ship', orderId, carrier: 'SF', trackingNo: 'SF12345678' },
    },
    { commandId: id('confirm'), actor: buyer, command: { type: 'confirm_receipt', orderId } },
  );
  if (n % 4 === 0) {
    steps.push(
      {
        commandId: id('claim'),
        actor: buyer,
        command: {
          type: 'file_claim',
          orderId,
          claimId: `${orderId}-k`,
          amountFen: Math.ceil(amountFen / 2),
          reason: 'fake',
          evidence: [],
        },
      },
      {
        commandId: id('decide'),
        actor: agent,
        command: {
          type: 'decide_claim',
          orderId,
          claimId: `${orderId}-k`,
          decision: 'approve',
          reasonCode: 'fraud',
          note: '',
        },
      },
    );
  }
  return steps;
}

function ack(ids: string[]) {
  if (ids.length > 0) writeSync(acks, ids.map((i) => `${i}\n`).join(''));
}

const funded = svc.fundGuaranteeFund(
  { txnId: `fund-${round}`, bank: 'ICBC', amountFen: 10_000_000 },
  T0,
);
if (funded.ok) ack([`fund-${round}`]);
process.stdout.write('ready\n');

// Several orders in flight at once, so batches mix orders and steps.
const live: CommandEnvelope[][] = [];
let n = 0;
let now = T0;
for (;;) {
  while (live.length < 8) live.push(script(`r${round}o${n}`, n++));
  const size = random() < 0.4 ? 1 : 2 + Math.floor(random() * 30);
  const batch: CommandEnvelope[] = [];
  for (let k = 0; k < size && live.length > 0; k++) {
    const idx = Math.floor(random() * live.length);
    const next = live[idx]!.shift();
    if (next) batch.push(next);
    if (live[idx]!.length === 0) live.splice(idx, 1);
  }
  now += 1_000;
  if (batch.length === 1) {
    // A rejection (say, a receipt already auto-confirmed by the timer sweep) is not acked.
    if (svc.apply(batch[0]!, now).ok) ack([batch[0]!.commandId]);
  } else {
    const results = svc.applyBatch(batch, now);
    const done: string[] = [];
    results.forEach((r, i) => {
      if (r.ok) done.push(batch[i]!.commandId);
    });
    ack(done);
  }
  if (random() < 0.02) svc.advanceTimers(now + 11 * DAY_MS);
  if (n > 100_000) break;
}
closeSync(acks);
